import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { DEFAULT_CONFIG, type HubConfig } from '../config.js';
import { subscribeCancels } from '../scaled/cancel-channel.js';
import { httpIngest } from '../scaled/http-ingest.js';
import { closeRedis, connectRedis, KEY_PREFIX } from '../scaled/redis-connection.js';
import { RunQueue } from '../scaled/run-queue.js';
import { RunWorker } from '../scaled/run-worker.js';
import { engineLogger } from '../scaled/scaled-hub-workflows.js';
import { isPostgresUrl } from '../store/open-storage.js';
import { RedisRunCoordinator } from '../workflows/coordinator/redis-coordinator.js';
import { openPostgresWorkflowState } from '../workflows/postgres-workflow-state.js';
import { SecretKeyError } from '../workflows/secrets/secret-key.js';
import { WorkflowService } from '../workflows/workflow-service.js';
import { resolveToken, UsageError } from './args.js';
import type { Command } from './command.js';
import { tuneHeap } from './heap-tuning.js';

/** One option of `runtime-hub worker`: flag, environment variable, help (docker-compose.yml is checked against these). */
export const WORKER_OPTIONS = [
  { flag: 'redis', env: 'RUNTIME_HUB_REDIS', help: 'redis://… holding the run queues (required)' },
  { flag: 'db', env: 'RUNTIME_HUB_DB', help: "postgres://… holding the runs, projects and secrets: the hubs' --db" },
  { flag: 'data', env: 'RUNTIME_HUB_DATA', help: `without --db: the hubs' data folder (project folders, runs, secret key); with --db only a shell node's working folders (default ${DEFAULT_CONFIG.dataDir})` },
  { flag: 'secret-key-file', env: 'RUNTIME_HUB_SECRET_KEY_FILE', help: "with --db: a file holding the hubs' secret key (or RUNTIME_HUB_SECRET_KEY); required once secrets exist" },
  { flag: 'hub', env: 'RUNTIME_HUB_URL', help: 'where workflow spans go: a hub or the load balancer, e.g. http://hub:8765' },
  { flag: 'token', env: 'RUNTIME_HUB_TOKEN', help: "the hubs' token, for sending spans" },
  { flag: 'token-file', env: 'RUNTIME_HUB_TOKEN_FILE', help: 'read the token from this file (first line)' },
  { flag: 'concurrency', env: 'RUNTIME_HUB_WORKER_CONCURRENCY', help: 'runs this worker drives at once (default 50)' },
  { flag: 'lock-ms', env: 'RUNTIME_HUB_WORKER_LOCK_MS', help: "a job's lock and a run's lease (default 30000): a killed worker's runs move on after about this long" },
  { flag: 'max-loop-items', env: 'RUNTIME_HUB_MAX_LOOP_ITEMS', help: 'items one workflow loop may iterate over (default 50000)' },
  { flag: 'max-run-activations', env: 'RUNTIME_HUB_MAX_RUN_ACTIVATIONS', help: 'node activations one workflow run may start (default 100000)' },
  { flag: 'log-level', env: 'RUNTIME_HUB_LOG_LEVEL', help: 'fatal, error, warn, info (default), debug, trace or silent' },
] as const;

type Flag = (typeof WORKER_OPTIONS)[number]['flag'];

function workerHelp(): string {
  const width = Math.max(...WORKER_OPTIONS.map((o) => o.flag.length)) + 4;
  const lines = WORKER_OPTIONS.map((o) => `  --${o.flag.padEnd(width)}${o.help}\n  ${' '.repeat(width + 2)}env ${o.env}`);
  return `Usage: runtime-hub worker --redis redis://… [options]\n\nTakes workflow runs from the BullMQ queues that hubs started with --redis fill (docs/scaling.md).\n\nOptions:\n${lines.join('\n')}\n  -h, --help${' '.repeat(width - 4)}show this help\n`;
}

export function parseWorkerArgs(argv: string[], env: NodeJS.ProcessEnv): { help: boolean; get: (flag: Flag) => string | undefined; number: (flag: Flag, min: number) => number | undefined } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...Object.fromEntries(WORKER_OPTIONS.map((o) => [o.flag, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const get = (flag: Flag): string | undefined => {
    const value = values[flag] ?? env[WORKER_OPTIONS.find((o) => o.flag === flag)!.env];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const number = (flag: Flag, min: number): number | undefined => {
    const text = get(flag);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag}: expected a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  return { help: values.help === true, get, number };
}

export const workerCommand: Command = {
  name: 'worker',
  summary: 'take workflow runs from the scaled-mode queues (BullMQ on Redis)',
  help: workerHelp,
  async run(argv) {
    const args = parseWorkerArgs(argv, process.env);
    if (args.help) {
      process.stdout.write(workerHelp());
      return 0;
    }
    tuneHeap();
    const redisUrl = args.get('redis');
    if (!redisUrl) throw new UsageError('--redis (or RUNTIME_HUB_REDIS) is required: the worker takes its runs from Redis');
    const dbUrl = args.get('db');
    if (dbUrl && !isPostgresUrl(dbUrl)) throw new UsageError('--db: expected a postgres:// (or postgresql://) URL');
    const config: HubConfig = { ...DEFAULT_CONFIG, dataDir: args.get('data') ?? DEFAULT_CONFIG.dataDir, logLevel: (args.get('log-level') ?? 'info') as HubConfig['logLevel'] };
    const maxLoopItems = args.number('max-loop-items', 1);
    const maxActivationsPerRun = args.number('max-run-activations', 1);
    if (maxLoopItems !== undefined || maxActivationsPerRun !== undefined) config.workflowLimits = { maxLoopItems, maxActivationsPerRun };
    const hubUrl = args.get('hub');
    const token = resolveToken({ token: args.get('token'), tokenFile: args.get('token-file') }, {});
    const log = Fastify({ logger: { level: config.logLevel } }).log;
    const ingest = hubUrl
      ? httpIngest(hubUrl, token)
      : () => Promise.reject(new Error('no --hub to send workflow spans to; they are owed until one is given'));
    if (!hubUrl) log.warn('worker: no --hub given; workflow spans are not stored (runs are)');

    const connection = connectRedis(redisUrl, 'worker', (error) => log.warn({ error: error.message }, 'worker: redis error'));
    const coordinator = new RedisRunCoordinator(connection, KEY_PREFIX);
    const queue = new RunQueue(connection);
    // With --db the runs, projects and secrets are the hubs' in PostgreSQL; else the shared data folder's.
    const onError = (error: unknown) => log.warn({ error: (error as Error).message }, 'worker: postgres error');
    let postgres;
    try {
      postgres = dbUrl ? await openPostgresWorkflowState(dbUrl, { dataDir: config.dataDir, role: 'worker', keyFile: args.get('secret-key-file'), onError }) : undefined;
    } catch (error) {
      await closeRedis(connection);
      if (error instanceof SecretKeyError) throw new UsageError(error.message);
      throw error;
    }
    const service = new WorkflowService({ config, ingest, log }, { mode: 'worker', coordinator, ...(postgres ? { postgres } : {}) });
    await service.load();
    const worker = new RunWorker({
      engine: service.engine,
      store: service.runs,
      workflows: service.source,
      coordinator,
      queue,
      connection,
      log: engineLogger(log),
      concurrency: args.number('concurrency', 1),
      lockMs: args.number('lock-ms', 500),
      prepare: (project) => service.prepareRun(project),
    });
    await service.start();
    await worker.start();
    const cancels = await subscribeCancels(redisUrl, (runId, reason) => worker.cancel(runId, reason), (error) => log.warn({ error: error.message }, 'worker: redis error'));
    // Tests and scripts read this line; keep its format.
    process.stdout.write(`runtime-hub worker ready (${worker.owner})\n`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(1);
        stopping = true;
        log.info({ signal }, 'worker shutting down: runs in flight go back to the queue');
        // The engine first: its drivers stop and their jobs go back to the queue for another worker.
        service
          .stop()
          .then(() => cancels.close())
          .then(() => worker.close())
          .then(() => queue.close())
          .then(() => closeRedis(connection))
          .then(resolve, (error: unknown) => {
            log.error({ err: error }, 'worker shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
