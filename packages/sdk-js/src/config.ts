import { basename, extname } from 'node:path';
import { DEFAULT_IGNORE_ERRORS, type ErrorMatcher } from './ignore-errors.js';
import { warnUser } from './log.js';
import type { Transport } from './transport/transport.js';
import type { WireSpan } from './wire.js';

/**
 * What `configure()` accepts. Explicit options win over RUNTIME_HUB_* environment variables, which
 * win over the defaults. Bad values never throw: they are reported once on stderr and replaced.
 * Durations are milliseconds here; their environment variables are seconds, as in the Python SDK.
 */
export interface Options {
  /** App name shown in the dashboard. Default: the main script's name. Env RUNTIME_HUB_SERVICE. */
  service?: string;
  /** Hub address. Default http://127.0.0.1:8765. Env RUNTIME_HUB_URL. */
  url?: string;
  /** false makes every API a no-op. Env RUNTIME_HUB_ENABLED. */
  enabled?: boolean;
  /** Fraction of traces recorded, decided at the root span (0..1). Env RUNTIME_HUB_SAMPLE_RATE. */
  sampleRate?: number;
  /**
   * Most spans per second recorded for any one tracked function (0: no limit). Calls beyond it run
   * untracked with everything they call, so what is kept stays whole. Env RUNTIME_HUB_RATE_LIMIT.
   */
  rateLimit?: number;
  /**
   * Thrown values that are control flow, not failures: error classes (instanceof) or names.
   * Default ['AbortError']. Env RUNTIME_HUB_IGNORE_ERRORS (comma-separated names).
   */
  ignoreErrors?: readonly ErrorMatcher[];
  /** Record function arguments as the span input. Env RUNTIME_HUB_CAPTURE_ARGS. */
  captureArgs?: boolean;
  /** Record return values as the span output. Env RUNTIME_HUB_CAPTURE_RESULT. */
  captureResult?: boolean;
  /** Extra keys to redact: regular expressions matched case-insensitively against each key. */
  redact?: readonly string[];
  /** Redact the built-in sensitive keys (password, token, api key, cookie, session, ...). Default true. */
  redactDefaults?: boolean;
  /** Last look at each record before it is queued; return null to drop it. */
  beforeSend?: (record: WireSpan) => WireSpan | null | undefined;
  /** Longest string kept in inputs and outputs (characters). Default 1024. */
  maxString?: number;
  /** Deepest nesting kept in inputs and outputs. Default 5. */
  maxDepth?: number;
  /** Most items kept per array, object, Map or Set. Default 50. */
  maxItems?: number;
  /** Largest serialized record; beyond it input and output are dropped. Default 256 KB. */
  maxSpanBytes?: number;
  /**
   * Size budget of one recorded value (the arguments, the result), counted as written; the copy
   * stops there with "…". Bounds the cost of recording a large object graph. Default 16 KB.
   */
  maxPayloadBytes?: number;
  /** Most records buffered while the hub is slow or down; beyond it new ones are dropped. */
  maxQueueSpans?: number;
  /** Most bytes (estimated, as written) buffered; beyond it new spans are dropped. Default 8 MB. */
  maxQueueBytes?: number;
  /** Most records per request. Default 100. */
  batchSpans?: number;
  /** Most bytes per request. Default 512 KB. */
  batchBytes?: number;
  /** Longest a record waits before a send starts. Default 10 ms. Env RUNTIME_HUB_FLUSH_INTERVAL (s). */
  flushIntervalMs?: number;
  /** Heartbeat period. Default 10 s. Env RUNTIME_HUB_HEARTBEAT_INTERVAL (s). */
  heartbeatIntervalMs?: number;
  /** Per-request timeout. Default 5 s. Env RUNTIME_HUB_REQUEST_TIMEOUT (s). */
  requestTimeoutMs?: number;
  /** How long exit hooks wait for the last records. Default 2 s. Env RUNTIME_HUB_SHUTDOWN_TIMEOUT (s). */
  shutdownTimeoutMs?: number;
  /** Longest pause between retries. Default 5 s. Env RUNTIME_HUB_RETRY_MAX_DELAY (s). */
  retryMaxDelayMs?: number;
  /** Request body compression. Default auto: gzip, except to a hub on this machine (loopback), where it costs more CPU than it saves. Env RUNTIME_HUB_COMPRESSION. */
  compression?: 'auto' | 'gzip' | 'none';
  /** Bearer token for a hub started with --token. Env RUNTIME_HUB_TOKEN. */
  token?: string;
  /** Log the SDK's own activity to stderr. Env RUNTIME_HUB_DEBUG. */
  debug?: boolean;
  /** Flush on beforeExit, SIGINT and SIGTERM. Default true. */
  exitHooks?: boolean;
  /** Which calls keep a faithful result for `runtime-hub replay`: 'off', 'llm' (kind llm, default) or 'all'. Env RUNTIME_HUB_REPLAY_CAPTURE. */
  replay?: 'off' | 'llm' | 'all';
  /** Largest kept result, bytes. Default 256 KB. Env RUNTIME_HUB_MAX_REPLAY_BYTES. */
  maxReplayBytes?: number;
  /** Open the channel that lets the dashboard re-invoke `track(fn, { invocable: true })` functions. Default false. Env RUNTIME_HUB_INVOCABLE. */
  invocable?: boolean;
  /** Where records go; default HTTP to `url`. Tests pass a MemoryTransport. */
  transport?: Transport;
}

export interface Config {
  service: string;
  url: string;
  enabled: boolean;
  sampleRate: number;
  rateLimit: number;
  ignoreErrors: readonly ErrorMatcher[];
  captureArgs: boolean;
  captureResult: boolean;
  redact: readonly string[];
  redactDefaults: boolean;
  beforeSend: ((record: WireSpan) => WireSpan | null | undefined) | undefined;
  maxString: number;
  maxDepth: number;
  maxItems: number;
  maxSpanBytes: number;
  maxPayloadBytes: number;
  maxQueueSpans: number;
  maxQueueBytes: number;
  batchSpans: number;
  batchBytes: number;
  flushIntervalMs: number;
  heartbeatIntervalMs: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  retryMaxDelayMs: number;
  compression: 'auto' | 'gzip' | 'none';
  token: string | undefined;
  debug: boolean;
  exitHooks: boolean;
  replay: 'off' | 'llm' | 'all';
  maxReplayBytes: number;
  invocable: boolean;
  transport: Transport | undefined;
}

export const DEFAULT_URL = 'http://127.0.0.1:8765';

export const DEFAULTS: Readonly<Config> = Object.freeze({
  service: '',
  url: DEFAULT_URL,
  enabled: true,
  sampleRate: 1,
  rateLimit: 0,
  ignoreErrors: DEFAULT_IGNORE_ERRORS,
  captureArgs: true,
  captureResult: true,
  redact: [],
  redactDefaults: true,
  beforeSend: undefined,
  maxString: 1024,
  maxDepth: 5,
  maxItems: 50,
  maxSpanBytes: 256 * 1024,
  maxPayloadBytes: 16 * 1024,
  maxQueueSpans: 10_000,
  maxQueueBytes: 8 * 1024 * 1024,
  batchSpans: 100,
  batchBytes: 512 * 1024,
  flushIntervalMs: 10,
  heartbeatIntervalMs: 10_000,
  requestTimeoutMs: 5_000,
  shutdownTimeoutMs: 2_000,
  retryMaxDelayMs: 5_000,
  compression: 'auto',
  token: undefined,
  debug: false,
  exitHooks: true,
  replay: 'llm',
  maxReplayBytes: 256 * 1024,
  invocable: false,
  transport: undefined,
});

type Kind = 'bool' | 'int' | 'float' | 'seconds' | 'list' | 'string';
interface Spec {
  kind: Kind;
  env?: string;
  range?: readonly [number, number];
}

// The same names, bounds and env variables as the Python SDK (sdk/python/src/runtime_hub/_config.py).
const SPECS: Partial<Record<keyof Config, Spec>> = {
  service: { kind: 'string', env: 'SERVICE' },
  url: { kind: 'string', env: 'URL' },
  token: { kind: 'string', env: 'TOKEN' },
  enabled: { kind: 'bool', env: 'ENABLED' },
  captureArgs: { kind: 'bool', env: 'CAPTURE_ARGS' },
  captureResult: { kind: 'bool', env: 'CAPTURE_RESULT' },
  redactDefaults: { kind: 'bool', env: 'REDACT_DEFAULTS' },
  debug: { kind: 'bool', env: 'DEBUG' },
  exitHooks: { kind: 'bool', env: 'EXIT_HOOKS' },
  invocable: { kind: 'bool', env: 'INVOCABLE' },
  maxReplayBytes: { kind: 'int', env: 'MAX_REPLAY_BYTES', range: [1024, 512 * 1024] },
  redact: { kind: 'list', env: 'REDACT' },
  sampleRate: { kind: 'float', env: 'SAMPLE_RATE', range: [0, 1] },
  rateLimit: { kind: 'int', env: 'RATE_LIMIT', range: [0, 100_000_000] },
  maxString: { kind: 'int', env: 'MAX_STRING', range: [16, 1_000_000] },
  // The hub rejects records nested deeper than 64 levels.
  maxDepth: { kind: 'int', env: 'MAX_DEPTH', range: [1, 32] },
  maxItems: { kind: 'int', env: 'MAX_ITEMS', range: [1, 10_000] },
  // The hub rejects records over 1 MB.
  maxSpanBytes: { kind: 'int', env: 'MAX_SPAN_BYTES', range: [1024, 768 * 1024] },
  maxPayloadBytes: { kind: 'int', env: 'MAX_PAYLOAD_BYTES', range: [256, 768 * 1024] },
  maxQueueSpans: { kind: 'int', env: 'MAX_QUEUE_SPANS', range: [10, 10_000_000] },
  maxQueueBytes: { kind: 'int', env: 'MAX_QUEUE_BYTES', range: [64 * 1024, 4 * 1024 ** 3] },
  batchSpans: { kind: 'int', env: 'BATCH_SPANS', range: [1, 10_000] },
  // The hub answers 413 above 10 MB.
  batchBytes: { kind: 'int', env: 'BATCH_BYTES', range: [4 * 1024, 8 * 1024 * 1024] },
  flushIntervalMs: { kind: 'seconds', env: 'FLUSH_INTERVAL', range: [1, 60_000] },
  heartbeatIntervalMs: { kind: 'seconds', env: 'HEARTBEAT_INTERVAL', range: [100, 3_600_000] },
  requestTimeoutMs: { kind: 'seconds', env: 'REQUEST_TIMEOUT', range: [50, 120_000] },
  shutdownTimeoutMs: { kind: 'seconds', env: 'SHUTDOWN_TIMEOUT', range: [0, 60_000] },
  retryMaxDelayMs: { kind: 'seconds', env: 'RETRY_MAX_DELAY', range: [10, 600_000] },
};

const TRUE = new Set(['1', 'true', 'yes', 'on', 'y', 't']);
const FALSE = new Set(['0', 'false', 'no', 'off', 'n', 'f', '']);

export function parseBool(raw: unknown, name: string, fallback: boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  warnUser(`${name}=${JSON.stringify(raw)} is not a boolean; using ${fallback}`);
  return fallback;
}

/**
 * Resolves options + environment into a Config.
 *
 * @example
 *   resolveConfig({ service: 'shop' }, process.env).url // 'http://127.0.0.1:8765'
 */
export function resolveConfig(options: Options, env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = { ...DEFAULTS };
  const target = config as unknown as Record<string, unknown>;
  for (const [name, spec] of Object.entries(SPECS) as [keyof Config, Spec][]) {
    const explicit = (options as Record<string, unknown>)[name];
    const envName = spec.env ? `RUNTIME_HUB_${spec.env}` : undefined;
    let raw: unknown;
    let fromEnv = false;
    if (explicit !== undefined) raw = explicit;
    else if (envName !== undefined && env[envName] !== undefined) {
      raw = env[envName];
      fromEnv = true;
    } else continue;
    target[name] = coerce(fromEnv ? envName! : name, spec, raw, DEFAULTS[name], fromEnv);
  }
  if (options.beforeSend !== undefined) {
    if (typeof options.beforeSend === 'function') config.beforeSend = options.beforeSend;
    else warnUser('beforeSend must be a function; ignoring it');
  }
  const compression = options.compression ?? env.RUNTIME_HUB_COMPRESSION;
  if (compression !== undefined) {
    const value = String(compression).trim().toLowerCase();
    if (value === 'auto' || value === 'gzip' || value === 'none') config.compression = value;
    else warnUser(`compression=${JSON.stringify(compression)} must be 'auto', 'gzip' or 'none'; using auto`);
  }
  // RUNTIME_HUB_REPLAY itself names the replay file `runtime-hub replay` hands a program.
  const replay = options.replay ?? env.RUNTIME_HUB_REPLAY_CAPTURE;
  if (replay !== undefined) {
    const value = String(replay).trim().toLowerCase();
    if (value === 'off' || value === 'llm' || value === 'all') config.replay = value;
    else warnUser(`replay=${JSON.stringify(replay)} must be 'off', 'llm' or 'all'; using llm`);
  }
  config.transport = options.transport;
  config.ignoreErrors = ignoreList(options.ignoreErrors, env.RUNTIME_HUB_IGNORE_ERRORS);
  if (!config.service) config.service = defaultService();
  if (!/^https?:\/\//.test(config.url)) {
    warnUser(`url=${JSON.stringify(config.url)} must start with http:// or https://; using ${DEFAULT_URL}`);
    config.url = DEFAULT_URL;
  }
  config.url = config.url.replace(/\/+$/, '');
  if (config.token === '') config.token = undefined;
  return config;
}

function coerce(name: string, spec: Spec, raw: unknown, fallback: unknown, fromEnv: boolean): unknown {
  switch (spec.kind) {
    case 'bool':
      return parseBool(raw, name, fallback as boolean);
    case 'string':
      return String(raw).trim();
    case 'list': {
      const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : [raw];
      return items.map((item) => String(item).trim()).filter((item) => item.length > 0);
    }
    default: {
      let value = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (spec.kind === 'seconds' && fromEnv) value *= 1000;
      if (spec.kind === 'int') value = Math.trunc(value);
      if (!Number.isFinite(value)) {
        warnUser(`${name}=${JSON.stringify(raw)} is not a number; using ${String(fallback)}`);
        return fallback;
      }
      const [low, high] = spec.range!;
      if (value < low || value > high) {
        const clamped = Math.min(Math.max(value, low), high);
        warnUser(`${name}=${JSON.stringify(raw)} is outside [${low}, ${high}]; using ${clamped}`);
        return clamped;
      }
      return value;
    }
  }
}

function ignoreList(explicit: unknown, fromEnv: string | undefined): readonly ErrorMatcher[] {
  if (explicit !== undefined) {
    if (Array.isArray(explicit)) return explicit.filter((m): m is ErrorMatcher => typeof m === 'string' || typeof m === 'function');
    warnUser('ignoreErrors must be an array of error classes or names; using the default');
    return DEFAULT_IGNORE_ERRORS;
  }
  if (fromEnv === undefined) return DEFAULT_IGNORE_ERRORS;
  return fromEnv
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** The main script's name: `node shop.js` -> "shop", `node dist/api/index.js` -> "api". */
export function defaultService(argv: readonly string[] = process.argv): string {
  const script = argv[1];
  if (!script) return 'node';
  let base = basename(script, extname(script));
  if (base === 'index' || base === 'main') base = basename(script.slice(0, script.length - basename(script).length)) || base;
  return base || 'node';
}

/** gzip for a remote hub; none for one on this machine, unless set explicitly. */
export function effectiveCompression(config: Pick<Config, 'compression' | 'url'>): 'gzip' | 'none' {
  if (config.compression !== 'auto') return config.compression;
  let host: string;
  try {
    host = new URL(config.url).hostname;
  } catch {
    return 'gzip';
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || host.startsWith('127.') ? 'none' : 'gzip';
}
