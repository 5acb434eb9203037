import type {
  Attributes,
  NodeDefinition,
  NodeTypeInfo,
  ProjectDefinition,
  RunResponse,
  TriggerData,
} from '@runtime-hub/protocol';
import type { CodeSandbox, HttpClient, LlmClient, MailSender, ShellRunner } from '../ports.js';

/** A workflow-call request from a node to the runner. */
export interface CallRequest {
  workflow: string;
  input: unknown;
  /** Wait for the called run to finish (default) or return its id at once. */
  wait: boolean;
  signal: AbortSignal;
}

export interface CallResult {
  runId: string;
  status: string;
  output?: unknown;
}

/** The I/O a node may use; absent services make the nodes that need them fail clearly. */
export interface NodeServices {
  http?: HttpClient;
  shell?: ShellRunner;
  sandbox?: CodeSandbox;
  llm?: LlmClient;
  mail?: MailSender;
  callWorkflow(request: CallRequest): Promise<CallResult>;
}

export interface NodeRunContext {
  node: NodeDefinition;
  /** The node's config with defaults applied, expressions evaluated and values coerced. */
  config: Record<string, unknown>;
  /** The value on the incoming edge (the first active one when several arrive). */
  input: unknown;
  /** Every active incoming value, in edge order (a merge node combines them). */
  inputs: { source: string; value: unknown }[];
  trigger: TriggerData;
  run: { id: string; project: string; workflow: string; depth: number };
  project: ProjectDefinition;
  attempt: number;
  signal: AbortSignal;
  now(): number;
  services: NodeServices;
  /** Values a code node exposes as globals (`input`, `nodes`, `trigger`, `env`, `run`). */
  globals(): Record<string, unknown>;
  /** Attributes added to the node's span (`gen_ai.*` for LLM calls). */
  setAttributes(attributes: Attributes): void;
}

export interface NodeResult {
  output: unknown;
  /** The output edges leave from; default `main`. */
  branch?: string;
  /** A wait node: finish at this time (epoch ms), durably. */
  waitUntil?: number;
  /** A respond node: the HTTP answer of a public workflow. */
  response?: RunResponse;
}

/**
 * A node type: its description for the editor, its static checks and how it runs. `inline`
 * types are pure and immediate; the runner executes them without awaiting I/O and persists
 * them once, when they finish.
 */
export interface NodeType {
  info: NodeTypeInfo;
  inline?: boolean;
  /** The outputs edges can leave from, for this config (a switch's cases). Default: `info.outputs`. */
  outputs?(config: Record<string, unknown>): string[];
  /** Extra checks on the saved config; `report(field, message)` for each problem. */
  check?(config: Record<string, unknown>, report: (field: string, message: string) => void): void;
  run(context: NodeRunContext): Promise<NodeResult> | NodeResult;
}
