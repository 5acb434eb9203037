import type { IdSource } from './ports.js';

/**
 * Deterministic ids and randomness for tests: run ids count up (time-ordered like real ones),
 * `random` is a seeded generator (mulberry32), so jittered backoffs are reproducible.
 *
 * @example
 *   const ids = sequentialIds(42);
 */
export function sequentialIds(seed = 1): IdSource & { fixedRandom?: number } {
  let runs = 0;
  let spans = 0;
  let state = seed >>> 0;
  const source: IdSource & { fixedRandom?: number } = {
    runId: () => (++runs).toString(16).padStart(32, '0').replace(/^0/, 'a'),
    spanId: () => (++spans).toString(16).padStart(16, '0').replace(/^0/, 'b'),
    random: () => {
      if (source.fixedRandom !== undefined) return source.fixedRandom;
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
  return source;
}
