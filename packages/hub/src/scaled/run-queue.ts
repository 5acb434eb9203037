import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunRecord } from '@runtime-hub/protocol';
import { KEY_PREFIX } from './redis-connection.js';

export const RUN_QUEUE = 'runs';
export const DEAD_QUEUE = 'runs-dead';

/** What a job carries: the run is in the database, the job only names it. */
export interface RunJob {
  runId: string;
  project: string;
  workflow: string;
}

/** A job that failed for good, kept until someone replays it. */
export interface DeadRunJob extends RunJob {
  error: string;
  failedAt: number;
  attempts: number;
}

/** How often a job may fail (a database outage, a crash loop) before it is dead-lettered, and the first backoff. */
export interface RunJobPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RUN_JOB_POLICY: RunJobPolicy = { attempts: 5, backoffMs: 1000 };

/**
 * The BullMQ queues of workflow runs. A job's id is its run's id, so enqueueing a run twice (a
 * retried dispatch, the outbox relay) adds one job. Jobs that fail for good move to the
 * dead-letter queue, which no worker consumes: they stay (in Redis, durable with its append-only
 * file) until {@link RunQueue.replayDead} puts them back (Langfuse #13468 dropped them).
 */
export class RunQueue {
  readonly runs: Queue<RunJob>;
  readonly dead: Queue<DeadRunJob>;

  constructor(
    connection: Redis,
    private readonly policy: RunJobPolicy = DEFAULT_RUN_JOB_POLICY,
  ) {
    this.runs = new Queue<RunJob>(RUN_QUEUE, { connection, prefix: KEY_PREFIX });
    this.dead = new Queue<DeadRunJob>(DEAD_QUEUE, { connection, prefix: KEY_PREFIX });
  }

  /** Call only once the run is committed (the outbox rule). */
  async enqueue(run: Pick<RunRecord, 'id' | 'project' | 'workflow'>): Promise<void> {
    await this.runs.add(
      'run',
      { runId: run.id, project: run.project, workflow: run.workflow },
      {
        jobId: run.id,
        attempts: this.policy.attempts,
        backoff: { type: 'exponential', delay: this.policy.backoffMs },
        // A finished job is forgotten after a day; its run is in the database for good.
        removeOnComplete: { age: 86_400, count: 100_000 },
        // Failed jobs stay until they are dead-lettered (bury), so none vanishes in between.
        removeOnFail: false,
      },
    );
  }

  /** Moves a job that failed for good to the dead-letter queue: first added there, then removed here. */
  async bury(job: Job<RunJob>, error: string): Promise<void> {
    const data: DeadRunJob = { ...job.data, error: error.slice(0, 2000), failedAt: Date.now(), attempts: job.attemptsMade };
    await this.dead.add('dead', data, { jobId: job.id, removeOnComplete: true, removeOnFail: false });
    await job.remove().catch(() => undefined);
  }

  /** Dead-lettered jobs, oldest first. */
  async listDead(limit = 1000): Promise<DeadRunJob[]> {
    const jobs = await this.dead.getJobs(['wait', 'delayed'], 0, limit - 1, true);
    return jobs.filter((job): job is Job<DeadRunJob> => job !== undefined).map((job) => job.data);
  }

  /** Puts dead-lettered jobs (all, or these run ids) back on the run queue; returns how many. */
  async replayDead(runIds?: readonly string[]): Promise<number> {
    const jobs = runIds
      ? await Promise.all(runIds.map((id) => this.dead.getJob(id)))
      : await this.dead.getJobs(['wait', 'delayed'], 0, -1, true);
    let replayed = 0;
    for (const job of jobs) {
      if (!job) continue;
      // A failed (or finished) job of the same id would make the new one a no-op: it goes first.
      // A waiting or active one means the run is on its way already — the outbox relay enqueues a
      // run once it is committed — so the dead letter only has to go (removing an active job
      // fails: a worker holds its lock).
      const existing = await this.runs.getJob(job.id!);
      const state = existing ? await existing.getState() : undefined;
      if (existing && (state === 'failed' || state === 'completed')) await existing.remove();
      if (!existing || state === 'failed' || state === 'completed' || state === 'unknown') {
        await this.enqueue({ id: job.data.runId, project: job.data.project, workflow: job.data.workflow });
      }
      await job.remove();
      replayed++;
    }
    return replayed;
  }

  async close(): Promise<void> {
    await Promise.all([this.runs.close(), this.dead.close()]);
  }
}
