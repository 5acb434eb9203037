import { delimiter } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type HubConfig } from '../config.js';

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
  { flag: 'token', env: 'RUNTIME_HUB_TOKEN', type: 'string', help: 'require "Authorization: Bearer <token>" on every request' },
  { flag: 'db', env: 'RUNTIME_HUB_DB', type: 'string', help: 'postgres://… to store spans in PostgreSQL (scaled mode)' },
  { flag: 'redis', env: 'RUNTIME_HUB_REDIS', type: 'string', help: 'redis://… for live fan-out across hub replicas (scaled mode)' },
  { flag: 'otlp-port', env: 'RUNTIME_HUB_OTLP_PORT', type: 'string', help: 'also receive OTLP/HTTP traces (POST /v1/traces) on this port, e.g. 4318' },
  { flag: 'retention-days', env: 'RUNTIME_HUB_RETENTION_DAYS', type: 'string', help: 'delete spans older than this many days' },
  { flag: 'max-db-mb', env: 'RUNTIME_HUB_MAX_DB_MB', type: 'string', help: 'keep the database under this size, deleting the oldest spans' },
  { flag: 'body-limit-mb', env: 'RUNTIME_HUB_BODY_LIMIT_MB', type: 'string', help: 'largest request body in MB (default 10)' },
  { flag: 'log-level', env: 'RUNTIME_HUB_LOG_LEVEL', type: 'string', help: 'fatal, error, warn, info (default), debug, trace or silent' },
  { flag: 'watch', env: 'RUNTIME_HUB_WATCH', type: 'string', multiple: true, help: 'tail *.jsonl trace files under this folder (repeatable; see docs/jsonl.md)' },
  { flag: 'max-loop-items', env: 'RUNTIME_HUB_MAX_LOOP_ITEMS', type: 'string', help: 'items one workflow loop may iterate over (default 50000)' },
  { flag: 'max-run-activations', env: 'RUNTIME_HUB_MAX_RUN_ACTIVATIONS', type: 'string', help: 'node activations one workflow run may start (default 100000)' },
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
  const token = get('token');
  if (token) config.token = token;
  const retentionDays = number('retention-days', 0);
  if (retentionDays !== undefined) config.retentionDays = retentionDays;
  const maxDbMb = number('max-db-mb', 1);
  if (maxDbMb !== undefined) config.maxDbMb = maxDbMb;
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
  const watch = Array.isArray(values.watch) && values.watch.length > 0 ? values.watch : env.RUNTIME_HUB_WATCH?.split(delimiter).filter(Boolean);
  if (watch && watch.length > 0) config.watchDirs = watch;
  const result: StartArgs = { config, help: values.help === true };
  const db = get('db');
  if (db) result.db = db;
  const redis = get('redis');
  if (redis) result.redis = redis;
  return result;
}

export function startHelp(): string {
  const width = Math.max(...START_OPTIONS.map((o) => o.flag.length)) + 4;
  const lines = START_OPTIONS.map((o) => `  --${o.flag.padEnd(width)}${o.help}\n  ${' '.repeat(width + 2)}env ${o.env}`);
  return `Usage: runtime-hub start [options]\n\nStarts the hub: API, live channel and dashboard.\n\nOptions:\n${lines.join('\n')}\n  -h, --help${' '.repeat(width - 4)}show this help\n`;
}
