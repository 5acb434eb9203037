import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type HubConfig } from '../config.js';
import { normalizeOrigin } from '../http/origin-policy.js';

/** One CLI option: its flag, environment variable and help line. */
interface OptionSpec {
  flag: string;
  env: string;
  type: 'string' | 'boolean';
  help: string;
  /** May be given more than once (the environment variable then holds a path list). */
  multiple?: boolean;
}

export const START_OPTIONS: OptionSpec[] = [
  { flag: 'port', env: 'RUNTIME_HUB_PORT', type: 'string', help: `port to listen on (default ${DEFAULT_CONFIG.port}; 0 = any free port)` },
  { flag: 'host', env: 'RUNTIME_HUB_HOST', type: 'string', help: `address to bind (default ${DEFAULT_CONFIG.host}); other than loopback needs --token` },
  { flag: 'data', env: 'RUNTIME_HUB_DATA', type: 'string', help: `data folder (default ${DEFAULT_CONFIG.dataDir})` },
  { flag: 'token', env: 'RUNTIME_HUB_TOKEN', type: 'string', help: 'require "Authorization: Bearer <token>" on every request (visible in ps: prefer --token-file or the env variable)' },
  { flag: 'token-file', env: 'RUNTIME_HUB_TOKEN_FILE', type: 'string', help: 'read the token from this file (first line), so it never shows in the process list' },
  { flag: 'allow-origin', env: 'RUNTIME_HUB_ALLOW_ORIGIN', type: 'string', multiple: true, help: 'also accept browser requests from this origin, e.g. https://ops.example.com (repeatable; env: comma-separated)' },
  { flag: 'allow-host', env: 'RUNTIME_HUB_ALLOW_HOST', type: 'string', multiple: true, help: 'also answer to this host name, e.g. behind a reverse proxy (repeatable; env: comma-separated)' },
  { flag: 'db', env: 'RUNTIME_HUB_DB', type: 'string', help: 'postgres://… to store spans in PostgreSQL (scaled mode)' },
  { flag: 'redis', env: 'RUNTIME_HUB_REDIS', type: 'string', help: 'redis://… for live fan-out across hub replicas (scaled mode)' },
  { flag: 'otlp-port', env: 'RUNTIME_HUB_OTLP_PORT', type: 'string', help: 'also receive OTLP/HTTP traces (POST /v1/traces) on this port, e.g. 4318' },
  { flag: 'retention-days', env: 'RUNTIME_HUB_RETENTION_DAYS', type: 'string', help: 'delete spans older than this many days' },
  { flag: 'max-db-mb', env: 'RUNTIME_HUB_MAX_DB_MB', type: 'string', help: 'keep the database under this size, deleting the oldest spans' },
  { flag: 'max-write-backlog', env: 'RUNTIME_HUB_MAX_WRITE_BACKLOG', type: 'string', help: 'spans the store may have queued before ingest answers 429 with Retry-After (default 50000)' },
  { flag: 'body-limit-mb', env: 'RUNTIME_HUB_BODY_LIMIT_MB', type: 'string', help: 'largest request body in MB (default 10)' },
  { flag: 'log-level', env: 'RUNTIME_HUB_LOG_LEVEL', type: 'string', help: 'fatal, error, warn, info (default), debug, trace or silent' },
  { flag: 'watch', env: 'RUNTIME_HUB_WATCH', type: 'string', multiple: true, help: 'tail *.jsonl trace files under this folder (repeatable; see docs/jsonl.md)' },
  { flag: 'max-loop-items', env: 'RUNTIME_HUB_MAX_LOOP_ITEMS', type: 'string', help: 'items one workflow loop may iterate over (default 50000)' },
  { flag: 'plugin', env: 'RUNTIME_HUB_PLUGINS', type: 'string', multiple: true, help: 'load a plugin: builtin:n-plus-one, builtin:slow-calls, a file path or a package name (repeatable; env: comma-separated; <data>/plugins/*.js load too; docs/plugins.md)' },
  { flag: 'mcp-workflows', env: 'RUNTIME_HUB_MCP_WORKFLOWS', type: 'boolean', help: 'let MCP clients of POST /mcp start workflow runs (off: read-only tools only; see docs/mcp.md)' },
  { flag: 'max-run-activations', env: 'RUNTIME_HUB_MAX_RUN_ACTIVATIONS', type: 'string', help: 'node activations one workflow run may start (default 100000)' },
  { flag: 'smtp-url', env: 'RUNTIME_HUB_SMTP_URL', type: 'string', help: 'SMTP server for alert mail, smtp(s)://user:pass@host:port (holds a password: prefer the env variable; see docs/analytics.md)' },
  { flag: 'mail-from', env: 'RUNTIME_HUB_MAIL_FROM', type: 'string', help: 'sender of alert mail (default runtime-hub <runtime-hub@localhost>)' },
  { flag: 'no-rollups', env: 'RUNTIME_HUB_NO_ROLLUPS', type: 'boolean', help: 'keep no metrics rollups (the Metrics view and threshold alerts then have no data; benchmarks)' },
];

export class UsageError extends Error {}

export interface StartArgs {
  config: Partial<HubConfig>;
  db?: string;
  redis?: string;
  help: boolean;
}

/** Flags win over environment variables, which win over defaults. */
export function parseStartArgs(argv: string[], env: NodeJS.ProcessEnv): StartArgs {
  const options = Object.fromEntries(START_OPTIONS.map((o) => [o.flag, { type: o.type, multiple: o.multiple === true }])) as Record<
    string,
    { type: 'string' | 'boolean'; multiple: boolean }
  >;
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const get = (flag: string): string | undefined => {
    const spec = START_OPTIONS.find((o) => o.flag === flag)!;
    const value = values[flag] ?? env[spec.env];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const number = (flag: string, min: number): number | undefined => {
    const text = get(flag);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${flag}: expected a number ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };

  const config: Partial<HubConfig> = {};
  const port = number('port', 0);
  if (port !== undefined) {
    if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port: expected 0–65535, got ${port}`);
    config.port = port;
  }
  const otlpPort = number('otlp-port', 0);
  if (otlpPort !== undefined) {
    if (!Number.isInteger(otlpPort) || otlpPort > 65535) throw new UsageError(`--otlp-port: expected 0–65535, got ${otlpPort}`);
    config.otlpPort = otlpPort;
  }
  const host = get('host');
  if (host) config.host = host;
  const data = get('data');
  if (data) config.dataDir = data;
  const str = (flag: string) => (typeof values[flag] === 'string' && values[flag] !== '' ? (values[flag] as string) : undefined);
  const token = resolveToken({ token: str('token'), tokenFile: str('token-file') }, env);
  if (token) config.token = token;
  const origins = list(values['allow-origin'], env.RUNTIME_HUB_ALLOW_ORIGIN, ',');
  if (origins) {
    for (const origin of origins) {
      try {
        normalizeOrigin(origin);
      } catch (error) {
        throw new UsageError(`--allow-origin: ${(error as Error).message}`);
      }
    }
    config.allowedOrigins = origins;
  }
  const hosts = list(values['allow-host'], env.RUNTIME_HUB_ALLOW_HOST, ',');
  if (hosts) config.allowedHosts = hosts;
  const retentionDays = number('retention-days', 0);
  if (retentionDays !== undefined) config.retentionDays = retentionDays;
  const maxDbMb = number('max-db-mb', 1);
  if (maxDbMb !== undefined) config.maxDbMb = maxDbMb;
  const maxWriteBacklog = number('max-write-backlog', 1);
  if (maxWriteBacklog !== undefined) config.maxWriteBacklog = maxWriteBacklog;
  const maxLoopItems = number('max-loop-items', 1);
  const maxActivationsPerRun = number('max-run-activations', 1);
  if (maxLoopItems !== undefined || maxActivationsPerRun !== undefined) {
    config.workflowLimits = {};
    if (maxLoopItems !== undefined) config.workflowLimits.maxLoopItems = Math.floor(maxLoopItems);
    if (maxActivationsPerRun !== undefined) config.workflowLimits.maxActivationsPerRun = Math.floor(maxActivationsPerRun);
  }
  const bodyLimit = number('body-limit-mb', 0.001);
  if (bodyLimit !== undefined) config.bodyLimitBytes = Math.round(bodyLimit * 1024 * 1024);
  const logLevel = get('log-level');
  if (logLevel) {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
    if (!levels.includes(logLevel)) throw new UsageError(`--log-level: expected one of ${levels.join(', ')}`);
    config.logLevel = logLevel as HubConfig['logLevel'];
  }
  const plugins = list(values.plugin, env.RUNTIME_HUB_PLUGINS, ',');
  if (plugins) config.plugins = plugins;
  if (values['mcp-workflows'] === true || env.RUNTIME_HUB_MCP_WORKFLOWS === '1') config.mcpWorkflowRuns = true;
  if (values['no-rollups'] === true || env.RUNTIME_HUB_NO_ROLLUPS === '1') config.rollups = false;
  const smtpUrl = get('smtp-url');
  const mailFrom = get('mail-from');
  if (smtpUrl !== undefined && !/^smtps?:\/\//i.test(smtpUrl)) throw new UsageError('--smtp-url: expected an smtp:// or smtps:// URL');
  if (smtpUrl !== undefined || mailFrom !== undefined) config.alerts = { ...(smtpUrl ? { smtpUrl } : {}), ...(mailFrom ? { mailFrom } : {}) };
  const watch = list(values.watch, env.RUNTIME_HUB_WATCH, delimiter);
  if (watch) config.watchDirs = watch;
  const result: StartArgs = { config, help: values.help === true };
  const db = get('db');
  if (db) result.db = db;
  const redis = get('redis');
  if (redis) result.redis = redis;
  return result;
}

/** A repeatable flag's values, else its environment variable split at `separator`; undefined when empty. */
function list(flagValues: unknown, envValue: string | undefined, separator: string): string[] | undefined {
  const values = Array.isArray(flagValues) && flagValues.length > 0 ? (flagValues as string[]) : envValue?.split(separator);
  const items = values?.map((v) => v.trim()).filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

/**
 * The token from `--token`, else `--token-file`, else RUNTIME_HUB_TOKEN, else RUNTIME_HUB_TOKEN_FILE
 * (flags before the environment). A file keeps the token out of the process list.
 */
export function resolveToken(flags: { token?: string | undefined; tokenFile?: string | undefined }, env: NodeJS.ProcessEnv): string | undefined {
  if (flags.token) return flags.token;
  if (flags.tokenFile) return tokenFromFile(flags.tokenFile);
  if (env.RUNTIME_HUB_TOKEN) return env.RUNTIME_HUB_TOKEN;
  if (env.RUNTIME_HUB_TOKEN_FILE) return tokenFromFile(env.RUNTIME_HUB_TOKEN_FILE);
  return undefined;
}

/** The first line of a token file; a missing or empty file is a usage error, never an open hub. */
function tokenFromFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--token-file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0]!.trim();
  if (token === '') throw new UsageError(`--token-file: ${path} is empty; put the token on its first line`);
  return token;
}

export function startHelp(): string {
  const width = Math.max(...START_OPTIONS.map((o) => o.flag.length)) + 4;
  const lines = START_OPTIONS.map((o) => `  --${o.flag.padEnd(width)}${o.help}\n  ${' '.repeat(width + 2)}env ${o.env}`);
  return `Usage: runtime-hub start [options]\n\nStarts the hub: API, live channel and dashboard.\n\nOptions:\n${lines.join('\n')}\n  -h, --help${' '.repeat(width - 4)}show this help\n`;
}
