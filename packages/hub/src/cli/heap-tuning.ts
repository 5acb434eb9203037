import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets a heap grow past what survived its last full collection, in percent, for the
 * long-running processes (the hub, a worker).
 *
 * Ingest allocates fast and much of it lives just long enough to be promoted: a request's parsed
 * spans stay referenced while the writer thread commits them. V8 reads the fast allocation as a
 * reason to grow the old generation up to four times its live size before collecting it again,
 * so the hub's main thread held ~150 MB of heap for ~50 MB of live objects during bench:ingest.
 * 50 % keeps it near 1.5×: more frequent full collections, which run mostly concurrently on V8's
 * own threads, for 40–60 MB less RSS (docs/benchmarks.md, "Hub memory").
 *
 * V8 reads the flag at each collection, so setting it at start-up covers the worker threads the
 * hub starts later. A value given on the command line or in NODE_OPTIONS wins.
 */
export const HEAP_GROWING_PERCENT = 50;

export function tuneHeap(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('heap-growing-percent'));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
