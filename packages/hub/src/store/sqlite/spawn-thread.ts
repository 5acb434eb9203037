import type { Worker } from 'node:worker_threads';
import { spawnThread } from '../../threads/spawn.js';

/** Starts one of the store's threads (`writer-thread`, `reader-thread`) from this folder. */
export function spawnStoreThread(name: 'writer-thread' | 'reader-thread', workerData: unknown): Worker {
  return spawnThread(import.meta.url, name, workerData);
}
