import type { PluginLimits } from './plugins/plugin-host.js';

/** Everything a hub needs to start; the CLI builds it from flags and environment variables. */
export interface HubConfig {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Folder for the database and other state. */
  dataDir: string;
  /** When set, every HTTP and Socket.IO request must present it. */
  token?: string;
  /** Browser origins besides the hub's own that may call it (`https://ops.example.com`); they get CORS. */
  allowedOrigins?: string[];
  /** Host names besides IP literals, `localhost` and the bound host that the hub answers to (reverse proxies). */
  allowedHosts?: string[];
  /** Largest accepted request body, after decompression. */
  bodyLimitBytes: number;
  /** Delete spans older than this many days. */
  retentionDays?: number;
  /** Keep the database under this many megabytes by deleting the oldest spans. */
  maxDbMb?: number;
  /** How often retention runs (ms). */
  retentionIntervalMs: number;
  /** Also serve OTLP/HTTP `POST /v1/traces` on this port (OpenTelemetry's default is 4318; 0 = any free port). */
  otlpPort?: number;
  /** Folder with the built dashboard; a plain status page is served when it is missing. */
  webRoot?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Folders (or files) whose `*.jsonl` trace files the hub tails in-process (`start --watch`). */
  watchDirs?: string[];
  /** What one workflow run may do (`--max-loop-items`, `--max-run-activations`); engine defaults otherwise. */
  workflowLimits?: { maxLoopItems?: number; maxActivationsPerRun?: number };
  /** Keep per-minute rollups of ended spans for metrics and alerts (default true; `--no-rollups`, bench baselines). */
  rollups?: boolean;
  /** Alerts (docs/analytics.md): SMTP server for mail notifications, how often rules are evaluated, the clock (tests). */
  alerts?: { smtpUrl?: string; mailFrom?: string; evaluateEveryMs?: number; now?: () => number };
  /** MCP clients of `POST /mcp` may start workflow runs (`--mcp-workflows`); read-only tools otherwise. */
  mcpWorkflowRuns?: boolean;
  /** `redis://…` (`--redis`): scaled mode — live fan-out across hubs, workflow runs on BullMQ workers (docs/scaling.md). */
  redisUrl?: string;
  /** `postgres://…` (`--db`): scaled mode — spans, workflow runs and the change feed in PostgreSQL shared by several hubs (docs/scaling.md). */
  dbUrl?: string;
  /** Spans the store's writer may have queued before POST /api/v1/spans answers 429 (ingest/backpressure.ts). */
  maxWriteBacklog?: number;
  /** Plugins to load besides `<data>/plugins/*.js`: `builtin:<name>`, a file path or a package name (`--plugin`). */
  plugins?: string[];
  /** Deadlines and queue bound of plugins (tests shorten them); docs/plugins.md. */
  pluginLimits?: Partial<PluginLimits>;
}

export const DEFAULT_CONFIG: HubConfig = {
  host: '127.0.0.1',
  port: 8765,
  dataDir: './.runtime-hub',
  bodyLimitBytes: 10 * 1024 * 1024,
  retentionIntervalMs: 10 * 60_000,
  logLevel: 'info',
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}
