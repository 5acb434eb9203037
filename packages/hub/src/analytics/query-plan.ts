import { TIERS } from './rollup-store.js';

/** A piece of a query range read from one tier: rows of width `res` with from ≤ bucket < to. */
export interface Segment {
  res: number;
  from: number;
  to: number;
}

/**
 * Splits [from, to) into the fewest rows to read: the coarsest tier (up to `maxRes`) covers the
 * whole buckets inside the range, finer tiers the ragged edges, down to minutes. Where a finer tier
 * has already been pruned (`now` − its retention), the edge is read from the coarser bucket that
 * holds it, so old ranges widen to that bucket instead of losing their edges. Pure.
 */
export function planSegments(from: number, to: number, maxRes: number, now: number): Segment[] {
  const tiers = TIERS.filter((t) => t.res <= maxRes);
  const split = (a: number, b: number, i: number): Segment[] => {
    if (a >= b) return [];
    const { res } = tiers[i]!;
    if (i === 0) return [{ res, from: a, to: b }];
    const finerKept = now - tiers[i - 1]!.keepMs;
    const lo = Math.ceil(a / res) * res;
    const hi = Math.floor(b / res) * res;
    if (lo >= hi) return a < finerKept ? [{ res, from: Math.floor(a / res) * res, to: Math.ceil(b / res) * res }] : split(a, b, i - 1);
    const left = a < lo && a < finerKept ? [{ res, from: lo - res, to: lo }] : split(a, lo, i - 1);
    const right = hi < b && hi < finerKept ? [{ res, from: hi, to: hi + res }] : split(hi, b, i - 1);
    return [...left, { res, from: lo, to: hi }, ...right];
  };
  return split(from, to, tiers.length - 1);
}

/**
 * The tier a series with steps of `step` ms reads: the coarsest whose rows fit whole into a step,
 * or a coarser one when the range starts before that tier's retention (old points then widen to
 * the bucket that still holds them).
 */
export function tierForStep(step: number, from: number, now: number): number {
  let index = 0;
  TIERS.forEach(({ res }, i) => {
    if (step % res === 0) index = i;
  });
  while (index < TIERS.length - 1 && from < now - TIERS[index]!.keepMs) index++;
  return TIERS[index]!.res;
}
