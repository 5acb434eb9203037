import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Engine, EngineLogger, RunStore } from '@runtime-hub/engine';
import type { RunRecord, RunResponse } from '@runtime-hub/protocol';
import { KEY_PREFIX } from './redis-connection.js';
import { RUN_QUEUE } from './run-queue.js';

const SETTLE_AGAIN_MS = 1_000;

/**
 * A hub's view of runs driven by workers: BullMQ's queue events (a Redis stream read from the
 * last id seen, so a short disconnect loses nothing) wake the engine's waiters — a webhook caller
 * held for a respond node's answer or the run's end, a workflow API call waiting for a run.
 */
export class RemoteRuns {
  private readonly events: QueueEvents;

  constructor(
    private readonly engine: Engine,
    private readonly store: RunStore,
    connection: Redis,
    private readonly log: EngineLogger,
  ) {
    this.events = new QueueEvents(RUN_QUEUE, { connection, prefix: KEY_PREFIX, autorun: true });
    this.events.on('progress', ({ jobId, data }) => {
      const response = (data as { response?: RunResponse } | undefined)?.response;
      if (response) this.twice(() => this.engine.settleRemote(jobId, { response }));
    });
    // The finished run is read once and settles the waiters now and a moment later (it no longer changes).
    this.events.on('completed', ({ jobId }) => void this.readFinished(jobId).then((run) => run && this.twice(() => this.engine.settleRemote(jobId, { run }))));
    this.events.on('error', (error) => this.log.warn('queue events: redis error', { error: error.message }));
  }

  /**
   * Now, and once more a moment later: a caller that started waiting while the event was on its
   * way (between reading its run as unfinished and registering) would otherwise wait in vain.
   */
  private twice(settle: () => void): void {
    settle();
    setTimeout(settle, SETTLE_AGAIN_MS).unref();
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  private async readFinished(runId: string): Promise<RunRecord | undefined> {
    try {
      return await this.store.getRun(runId);
    } catch (error) {
      this.log.warn('could not read a finished run', { runId, error: (error as Error).message });
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.events.close();
  }
}
