import type { Worker } from 'node:worker_threads';
import { spawnThread } from '../../threads/spawn.js';

/**
 * V8 lets each thread's young generation grow to 3 × 16 MB under allocation pressure, and the
 * pages stay resident afterwards. The store's threads allocate mostly short-lived strings (a batch
 * of column values, a page of span JSON) that die in the first scavenge either way, so a small
 * young generation costs them a few more scavenges and saves the hub tens of MB per thread.
 */
export const STORE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 6 };

/** Starts one of the store's threads (`writer-thread`, `reader-thread`) from this folder. */
export function spawnStoreThread(name: 'writer-thread' | 'reader-thread', workerData: unknown): Worker {
  return spawnThread(import.meta.url, name, workerData, { resourceLimits: STORE_THREAD_LIMITS });
}
