import type { EngineLogger } from '@runtime-hub/engine';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { RedisRunCoordinator } from '../workflows/coordinator/redis-coordinator.js';
import { openPostgresWorkflowState, type PostgresWorkflowState } from '../workflows/postgres-workflow-state.js';
import type { ScaledWorkflows, WorkflowService } from '../workflows/workflow-service.js';
import { publishCancel } from './cancel-channel.js';
import { registerDeadLetterRoutes } from './dead-letter-routes.js';
import { OutboxRelay } from './outbox-relay.js';
import { closeRedis, connectRedis, KEY_PREFIX } from './redis-connection.js';
import { RemoteRuns } from './remote-runs.js';
import { RunQueue } from './run-queue.js';

/** How long starting a run waits for Redis before leaving the job to the outbox relay. */
const DISPATCH_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The workflow side of a hub in scaled mode: new runs are committed, then enqueued on BullMQ
 * (`dispatch`); workers drive them; queue events wake the callers this hub holds; the outbox
 * relay enqueues committed runs a crash or an outage left without a job; cron ticks are claimed
 * in Redis so one replica fires each.
 */
export class ScaledHubWorkflows {
  readonly queue: RunQueue;
  readonly options: ScaledWorkflows;
  private readonly connection: Redis;
  private remote: RemoteRuns | undefined;
  private relay: OutboxRelay | undefined;

  private readonly log: EngineLogger;

  /**
   * With `dbUrl` (`--db`), the workflow pillar's state (runs, versions, metrics, secrets, the
   * projects' mirror) lives in PostgreSQL, shared by every hub and worker.
   */
  static async open(config: { redisUrl: string; dbUrl?: string | undefined; dataDir: string }, pino: FastifyBaseLogger): Promise<ScaledHubWorkflows> {
    const log = engineLogger(pino);
    const postgres = config.dbUrl
      ? await openPostgresWorkflowState(config.dbUrl, { dataDir: config.dataDir, role: 'hub', onError: (error) => log.warn('workflows: postgres error', { error: (error as Error).message }) })
      : undefined;
    if (postgres && !postgres.key) log.warn('workflows: this hub has no secret key (RUNTIME_HUB_SECRET_KEY or RUNTIME_HUB_SECRET_KEY_FILE) and stores no secret; another hub recorded the key');
    return new ScaledHubWorkflows(config.redisUrl, pino, postgres);
  }

  constructor(redisUrl: string, pino: FastifyBaseLogger, postgres?: PostgresWorkflowState, private readonly relayIntervalMs = 2_000) {
    this.log = engineLogger(pino);
    this.connection = connectRedis(redisUrl, 'hub', (error) => this.log.warn('workflows: redis error', { error: error.message }));
    this.queue = new RunQueue(this.connection);
    this.options = {
      mode: 'dispatch',
      // Bounded: with Redis away a caller hears of its (committed) run at once; the relay enqueues it later.
      dispatch: (run) => withTimeout(this.queue.enqueue(run), DISPATCH_TIMEOUT_MS, 'redis did not take the job in time'),
      cancelRemote: (runId, reason) => publishCancel(this.connection, runId, reason),
      coordinator: new RedisRunCoordinator(this.connection, KEY_PREFIX),
      ...(postgres ? { postgres } : {}),
    };
  }

  /** The dead-letter routes (`/api/v1/queue/dead-letters`). */
  registerRoutes(app: FastifyInstance): void {
    registerDeadLetterRoutes(app, this.queue);
  }

  /** Starts listening for the workers' answers and relaying the outbox for this service. */
  async attach(service: WorkflowService): Promise<void> {
    this.remote = new RemoteRuns(service.engine, service.runs, this.connection, this.log);
    await this.remote.ready();
    this.relay = new OutboxRelay(service.runs, this.queue, this.log, this.relayIntervalMs);
    this.relay.start();
  }

  async close(): Promise<void> {
    await this.relay?.stop();
    await this.remote?.close();
    await this.queue.close();
    await closeRedis(this.connection);
  }
}

/** The engine's logger interface over pino (fields first, message second). */
export function engineLogger(pino: FastifyBaseLogger): EngineLogger {
  return {
    info: (message, fields) => pino.info(fields ?? {}, message),
    warn: (message, fields) => pino.warn(fields ?? {}, message),
    error: (message, fields) => pino.error(fields ?? {}, message),
  };
}
