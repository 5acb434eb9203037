import type {
  ProjectDefinition,
  RunRecord,
  RunStatus,
  SpanRecordInput,
  StepRecord,
  WorkflowDefinition,
} from '@runtime-hub/protocol';

/**
 * The ports of the engine: everything it needs from the outside world. The core never touches a
 * clock, a socket, a file or a database directly; the hub (or a test) hands these in. Node
 * implementations of the I/O ports live in `@runtime-hub/engine/node`.
 */

/** A timer handle; `cancel` is idempotent. */
export interface Timer {
  cancel(): void;
}

/** Time, injected so that retries, waits, timeouts and cron can be tested without sleeping. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once the clock reaches `at` (at once if it already has). */
  setTimer(at: number, fn: () => void): Timer;
}

/** Identifiers and randomness, injected for deterministic tests. */
export interface IdSource {
  /** 32 lowercase hex characters, time-ordered; also used as the trace id of a top-level run. */
  runId(): string;
  /** 16 lowercase hex characters. */
  spanId(): string;
  /** A number in [0, 1) (retry jitter). */
  random(): number;
}

export interface RunQuery {
  project?: string;
  workflow?: string;
  status?: RunStatus;
  limit: number;
  /** Opaque; from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface ScheduleState {
  project: string;
  workflow: string;
  paused: boolean;
  /** The scheduled time of the last fire (or skip), epoch ms. */
  lastFireAt?: number;
}

export interface WorkflowVersionRecord {
  project: string;
  workflow: string;
  version: number;
  definition: WorkflowDefinition;
  savedAt: number;
}

/** One atomic write: every record is an upsert of the whole row. */
export interface StoreBatch {
  runs?: RunRecord[];
  steps?: StepRecord[];
  /**
   * Finished runs whose spans are not known to be stored yet: kept (in the same transaction) until
   * {@link RunStore.spansDelivered}, so a restart re-emits them (see {@link RunStore.listRunsOwingSpans}).
   */
  owingSpans?: string[];
}

/**
 * Durable engine state. One implementation per database (SQLite in the hub; PostgreSQL later),
 * each checked by the shared conformance suite in `@runtime-hub/engine/testing`.
 */
export interface RunStore {
  /** Writes the batch in one transaction; resolves once it is durable. */
  commit(batch: StoreBatch): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listSteps(runId: string): Promise<StepRecord[]>;
  /** Newest first. */
  listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; nextCursor?: string }>;
  /** Queued, running and waiting runs, oldest first: what a restart resumes. */
  listUnfinishedRuns(): Promise<RunRecord[]>;
  /** Finished runs committed with `owingSpans` and not yet delivered: a restart re-emits their spans. */
  listRunsOwingSpans(): Promise<RunRecord[]>;
  /** The spans of these runs are stored; forgets that they were owed. */
  spansDelivered(runIds: readonly string[]): Promise<void>;
  getSchedule(project: string, workflow: string): Promise<ScheduleState | undefined>;
  putSchedule(state: ScheduleState): Promise<void>;
  putWorkflowVersion(record: WorkflowVersionRecord): Promise<void>;
  getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowVersionRecord | undefined>;
  close?(): Promise<void>;
}

/** Where the engine finds definitions: the hub's project folders. */
export interface WorkflowSource {
  getProject(project: string): ProjectDefinition | undefined;
  /** The current definition (with its `version`). */
  getWorkflow(project: string, workflow: string): WorkflowDefinition | undefined;
  /** A past version, for runs that resume or re-run on the version they started with. */
  getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowDefinition | undefined>;
}

/** Decrypted secret values of a project, by name. Values never leave the engine unredacted. */
export interface SecretSource {
  values(project: string): Record<string, string>;
}

/**
 * Where spans go: the hub's one ingest path. Must not throw; may batch. A span is an upsert by
 * its id, so emitting the same record again is harmless (restarts re-emit). `emit` may return a
 * promise that resolves to true once the records are stored (false: they may be lost); without
 * one, they count as stored at once.
 */
export interface SpanSink {
  emit(records: SpanRecordInput[]): void | Promise<boolean>;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Outbound HTTP. Network failures throw errors carrying an errno-like `code` (or a cause with one). */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface ShellRequest {
  /** The project the command runs for (its folder is the default working directory). */
  project: string;
  command: string;
  cwd?: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}

export interface ShellResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ShellRunner {
  run(request: ShellRequest): Promise<ShellResult>;
}

export interface SandboxRequest {
  code: string;
  /** JSON values the code reads as globals (`input`, `nodes`, `trigger`, `env`). */
  globals: Record<string, unknown>;
  timeoutMs: number;
  memoryMb: number;
  signal: AbortSignal;
}

export interface SandboxResult {
  value: unknown;
  logs: string[];
}

/** Runs untrusted JavaScript isolated from the host, with time and memory limits. */
export interface CodeSandbox {
  run(request: SandboxRequest): Promise<SandboxResult>;
  close?(): Promise<void>;
}

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  provider: 'openai' | 'anthropic';
  model: string;
  baseUrl?: string;
  apiKey: string;
  messages: LlmMessage[];
  temperature?: number;
  maxTokens?: number;
  json?: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface LlmResponse {
  text: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReason?: string;
}

export interface LlmClient {
  complete(request: LlmRequest): Promise<LlmResponse>;
}

/** How a mail transport reaches its SMTP server. */
export interface SmtpOptions {
  host: string;
  port: number;
  /**
   * `starttls`: upgrade when the server offers it; `require-starttls`: fail unless it does;
   * `implicit`: TLS from the first byte (port 465); `none`: never upgrade (a local relay).
   */
  tls: 'starttls' | 'require-starttls' | 'implicit' | 'none';
  /** Verify the server's certificate (default true); a `ca` adds a private CA instead. */
  rejectUnauthorized: boolean;
  ca?: string;
  /** The name the certificate must carry, when it differs from `host`. */
  servername?: string;
  user?: string;
  password?: string;
  timeoutMs: number;
}

export interface MailMessage {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  headers: Record<string, string>;
}

export interface MailResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's last reply line (`250 OK: queued as …`). */
  response: string;
}

/**
 * Outbound mail. Failures throw errors carrying nodemailer's `code` (`EAUTH`, `EENVELOPE`,
 * `ESOCKET`, `ETIMEDOUT`, `ETLS`…) and, for SMTP replies, `responseCode`.
 */
export interface MailSender {
  send(request: { smtp: SmtpOptions; message: MailMessage; signal: AbortSignal }): Promise<MailResult>;
}

export interface EngineLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Who drives which run, how many runs of a workflow run at once, and which replica fires a cron
 * tick. The embedded hub answers in process (its one engine drives every run); the scaled mode
 * answers on Redis for every hub and worker (docs/scaling.md). Leases expire, so a process killed
 * mid-run gives its runs and slots back; each implementation passes the conformance suite in
 * `packages/hub/src/workflows/coordinator/coordinator-cases.ts`.
 */
export interface RunCoordinator {
  /** Takes or renews the lease on driving `runId` for `ttlMs`; false while another owner holds it. */
  claimRun(runId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease back; a lease another owner holds now is left alone. */
  releaseRun(runId: string, owner: string): Promise<void>;
  /**
   * One of `limit` concurrency slots of `workflow` (`project/workflow`) for `runId`, leased for
   * `ttlMs`. A run that holds a slot gets it again (a renewal); false while all are held.
   */
  acquireSlot(workflow: string, runId: string, limit: number, ttlMs: number): Promise<boolean>;
  releaseSlot(workflow: string, runId: string): Promise<void>;
  /** True for exactly one caller per schedule and tick (epoch ms), whichever replica asks first. */
  claimTick(schedule: string, tickAt: number): Promise<boolean>;
  close?(): Promise<void>;
}
