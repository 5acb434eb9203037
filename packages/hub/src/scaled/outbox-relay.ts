import type { EngineLogger, RunStore } from '@runtime-hub/engine';
import type { RunQueue } from './run-queue.js';

const FULL_PASS_EVERY = 10;

/**
 * The outbox's relay. A run is committed first and enqueued after (never the other way round:
 * n8n #24274 ran jobs whose rows did not exist yet), so a hub that dies in between, or a Redis
 * that is down, leaves a committed run without a job. Every `intervalMs` the relay enqueues each
 * unfinished run again: the job id is the run id, so a run that has its job gets no second one,
 * and a worker handed a finished run's job does nothing. Jobs that failed for good but were not
 * dead-lettered yet (the worker died in between) are dead-lettered here.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private passes = 0;

  constructor(
    private readonly store: RunStore,
    private readonly queue: RunQueue,
    private readonly log: EngineLogger,
    private readonly intervalMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
    void this.sweep();
  }

  /** One pass; concurrent calls share it. Resolves with nothing; failures are logged and retried next pass. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Queued runs every pass (what a lost enqueue leaves); running and waiting ones, which had a job
   * that could only vanish with Redis' data or a dead-lettering in between, every tenth pass: each
   * run costs a Redis lookup, and a busy deployment has many waiting runs.
   */
  private async pass(): Promise<void> {
    const full = this.passes++ % FULL_PASS_EVERY === 0;
    try {
      for (const run of await this.store.listUnfinishedRuns()) {
        if (!full && run.status !== 'queued') continue;
        const job = await this.queue.runs.getJob(run.id);
        if (job && (await job.isFailed())) {
          await this.queue.bury(job, job.failedReason ?? 'failed');
          continue;
        }
        // Runs called by another run belong to their caller's job (the caller's worker resumes them).
        if (!job && run.depth === 0) await this.queue.enqueue(run);
      }
    } catch (error) {
      this.log.warn('outbox relay: pass failed; retrying', { error: (error as Error).message });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
