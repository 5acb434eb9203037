import { randomUUID } from 'node:crypto';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { FINISHED_RUN_STATUSES } from '@runtime-hub/protocol';
import type { Engine, EngineLogger, RunCoordinator, RunStore, WorkflowSource } from '@runtime-hub/engine';
import { KEY_PREFIX } from './redis-connection.js';
import { RUN_QUEUE, type RunJob, type RunQueue } from './run-queue.js';

export interface RunWorkerOptions {
  engine: Engine;
  store: RunStore;
  workflows: WorkflowSource;
  coordinator: RunCoordinator;
  queue: RunQueue;
  connection: Redis;
  log: EngineLogger;
  /** Runs driven at once by this process (default 50). */
  concurrency?: number;
  /**
   * How long a job's lock and a run's lease last without renewal (default 30 s): a SIGKILLed
   * worker's runs move to another worker after about this long.
   */
  lockMs?: number;
  /** Before a run is driven: its project and secrets as they are now (WorkflowService.prepareRun). */
  prepare?: (project: string) => Promise<void>;
}

/** What a finished job answers; hubs read the run itself from the database. */
export interface RunJobResult {
  status: string;
}

/**
 * A worker process's consumer of the run queue. Per job: the run is read from the database (it
 * was committed before the job existed), its lease taken in the {@link RunCoordinator} (one
 * driver per run even if BullMQ hands a stalled job out twice), a slot of its workflow's
 * `maxConcurrentRuns` taken (across all workers), and the engine drives it to its end: a queued
 * run begins, an interrupted one resumes from its last finished step. A respond node's answer goes
 * to the hubs as job progress. A SIGKILLed worker's job stalls; BullMQ gives it to another worker
 * once its lock ran out, and the run resumes there (at-least-once, like an embedded restart).
 */
export class RunWorker {
  readonly worker: Worker<RunJob, RunJobResult>;
  readonly owner = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly lockMs: number;
  private debts: NodeJS.Timeout | undefined;
  /** Runs this worker is driving for its jobs (what a cancel from a hub may concern). */
  private readonly driving = new Set<string>();

  constructor(private readonly options: RunWorkerOptions) {
    this.lockMs = options.lockMs ?? 30_000;
    this.worker = new Worker<RunJob, RunJobResult>(RUN_QUEUE, (job, token) => this.process(job, token), {
      connection: options.connection,
      prefix: KEY_PREFIX,
      concurrency: options.concurrency ?? 50,
      lockDuration: this.lockMs,
      stalledInterval: Math.max(500, Math.floor(this.lockMs / 2)),
      // A job that kills its worker again and again ends in the dead-letter queue.
      maxStalledCount: 5,
      autorun: false,
    });
    this.worker.on('failed', (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      options.queue.bury(job, error.message).catch((e: unknown) => options.log.error('could not dead-letter a run job; the outbox relay retries', { runId: job.id, error: (e as Error).message }));
    });
    this.worker.on('error', (error) => options.log.warn('run worker: redis error', { error: error.message }));
  }

  /** Starts taking jobs; resolves once the worker is connected. */
  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
    // A worker killed after a run's last commit leaves its spans owed: a live one sends them.
    this.debts = setInterval(() => void this.options.engine.replayOwedSpans().catch(() => undefined), this.lockMs * 5);
    this.debts.unref();
  }

  private async process(job: Job<RunJob>, token: string | undefined): Promise<RunJobResult> {
    const { engine, store, coordinator } = this.options;
    const { runId } = job.data;
    const run = await store.getRun(runId);
    // Retried, then dead-lettered: a job whose run was never committed is the bug an outbox prevents.
    if (!run) throw new Error(`run ${runId} is not in the database`);
    if (FINISHED_RUN_STATUSES.includes(run.status)) return { status: run.status };
    await this.options.prepare?.(run.project);
    const key = `${run.project}/${run.workflow}`;
    if (!(await coordinator.claimRun(runId, this.owner, this.lockMs))) return this.later(job, token, this.lockMs / 2);
    const limit = (this.options.workflows.getWorkflow(run.project, run.workflow) ?? undefined)?.settings.maxConcurrentRuns;
    if (limit !== undefined && !(await coordinator.acquireSlot(key, runId, limit, this.lockMs))) {
      await coordinator.releaseRun(runId, this.owner);
      return this.later(job, token, 200 + Math.floor(Math.random() * 300));
    }
    const renew = setInterval(() => {
      void coordinator.claimRun(runId, this.owner, this.lockMs).catch(() => undefined);
      if (limit !== undefined) void coordinator.acquireSlot(key, runId, limit, this.lockMs).catch(() => undefined);
    }, Math.max(200, Math.floor(this.lockMs / 3)));
    this.driving.add(runId);
    try {
      const finished = engine.drive(runId);
      // A respond node's answer reaches the hub holding the webhook caller before the run ends.
      void engine.waitForResponse(runId).then(
        (answer) => (answer.response ? job.updateProgress({ response: answer.response }) : undefined),
        () => undefined,
      );
      const done = await finished;
      return { status: done.status };
    } catch (error) {
      // The engine is stopping (a graceful shutdown): another worker resumes the run at once.
      if ((error as { code?: string }).code === 'ENGINE_STOPPED') return this.later(job, token, 0);
      throw error;
    } finally {
      this.driving.delete(runId);
      clearInterval(renew);
      if (limit !== undefined) await coordinator.releaseSlot(key, runId).catch(() => undefined);
      await coordinator.releaseRun(runId, this.owner).catch(() => undefined);
    }
  }

  /** A hub cancelled a run: stopped here if this worker drives it. */
  cancel(runId: string, reason: string): void {
    if (!this.driving.has(runId)) return;
    this.options.engine.cancel(runId, reason).catch((error: unknown) => this.options.log.warn('could not cancel a run', { runId, error: (error as Error).message }));
  }

  /** Gives the job back to the queue for later without spending one of its attempts. */
  private async later(job: Job<RunJob>, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** Stops taking jobs; the runs in flight must have been stopped (engine.stop) first. */
  async close(): Promise<void> {
    if (this.debts) clearInterval(this.debts);
    await this.worker.close();
  }
}
