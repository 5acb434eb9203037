import type { FastifyBaseLogger } from 'fastify';
import type { SpanStore } from '../store/store.js';

export interface RetentionOptions {
  retentionDays?: number;
  maxDbMb?: number;
  intervalMs: number;
}

const DAY = 86_400_000;

/** Deletes spans past the retention age or beyond the size cap, then gives the space back. */
export async function applyRetention(store: SpanStore, options: RetentionOptions, now = Date.now()): Promise<number> {
  let deleted = 0;
  if (options.retentionDays !== undefined) deleted += await store.pruneOlderThan(now - options.retentionDays * DAY);
  if (options.maxDbMb !== undefined) deleted += await store.pruneToSize(options.maxDbMb * 1024 * 1024);
  // Also when nothing was deleted this round but the file is still over the cap: giving pages back
  // can fail for a round (a checkpoint or a read in the way), and it must not wait for more deletes.
  const overCap = options.maxDbMb !== undefined && store.sizeBytes() > options.maxDbMb * 1024 * 1024;
  if (deleted > 0 || overCap) await store.compact();
  return deleted;
}

/** Runs retention now and then every `intervalMs`; returns a function that stops it. */
export function scheduleRetention(store: SpanStore, options: RetentionOptions, log: FastifyBaseLogger): () => void {
  if (options.retentionDays === undefined && options.maxDbMb === undefined) return () => {};
  const run = () =>
    applyRetention(store, options).then(
      (deleted) => {
        if (deleted > 0) log.info({ deleted, sizeBytes: store.sizeBytes() }, 'retention pruned spans');
      },
      (error: unknown) => log.error({ err: error }, 'retention failed'),
    );
  void run();
  const timer = setInterval(() => void run(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
