import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the thread module `name` that sits next to `moduleUrl` (pass `import.meta.url`). From the
 * build the thread is plain JavaScript; from sources (tests) tsx compiles it.
 */
export function spawnThread(moduleUrl: string, name: string, workerData?: unknown, options: Pick<WorkerOptions, 'resourceLimits'> = {}): Worker {
  const fromSource = moduleUrl.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, moduleUrl);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, {
        eval: true,
        workerData,
        ...options,
      })
    : new Worker(entry, { workerData, ...options });
}
