import { Worker } from 'node:worker_threads';

/**
 * Starts one of the store's threads (`writer-thread`, `reader-thread`) from this folder. From the
 * build the thread is plain JavaScript; from sources (tests) tsx compiles it.
 */
export function spawnStoreThread(name: 'writer-thread' | 'reader-thread', workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, {
        eval: true,
        workerData,
      })
    : new Worker(entry, { workerData });
}
