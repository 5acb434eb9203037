/**
 * Run durations as a log-scale histogram: bin `b` holds durations in (1.2^(b-1), 1.2^b] ms, so a
 * percentile read from merged bins is within 10 % of the exact value whatever the range, and a
 * rollup row stores a few dozen numbers instead of every duration.
 */
const GROWTH = 1.2;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.2^130 ms is about 6 years: every duration a run can have. */
export const MAX_BIN = 130;

/** A sparse histogram: bin → count. */
export type Histogram = Record<number, number>;

export function binOf(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  return Math.min(MAX_BIN, Math.ceil(Math.log(durationMs) / LOG_GROWTH));
}

/** The middle of a bin (geometric), the value a percentile in it is reported as. */
export function binValue(bin: number): number {
  return bin === 0 ? 1 : GROWTH ** (bin - 0.5);
}

export function addTo(target: Histogram, source: Histogram): Histogram {
  for (const [bin, count] of Object.entries(source)) {
    const key = Number(bin);
    target[key] = (target[key] ?? 0) + count;
  }
  return target;
}

/** The `p`-th percentile (0 < p ≤ 1) in ms, or null for an empty histogram. */
export function percentile(histogram: Histogram, p: number): number | null {
  const bins = Object.keys(histogram)
    .map(Number)
    .sort((a, b) => a - b);
  const total = bins.reduce((sum, bin) => sum + (histogram[bin] ?? 0), 0);
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (const bin of bins) {
    seen += histogram[bin] ?? 0;
    if (seen >= rank) return Math.round(binValue(bin) * 10) / 10;
  }
  return Math.round(binValue(bins.at(-1)!) * 10) / 10;
}
