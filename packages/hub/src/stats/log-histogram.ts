/**
 * A latency histogram with fixed log-scale buckets, mergeable by adding counts: what lets minute
 * rollups fold into hours and days and still answer p50/p95/p99. Eight buckets per doubling put an
 * estimate within ±4.5 % of the true quantile, from 1 µs to 37 hours (longer clamps to the last).
 * Shared on purpose (analytics rollups, workflow-run metrics): pure, no I/O.
 */

/** Bucket 0 holds everything up to MIN_MS (zero-length calls included). */
const MIN_MS = 2 ** -10;
const PER_DOUBLING = 8;
const DOUBLINGS = 37;
export const BUCKET_COUNT = 1 + DOUBLINGS * PER_DOUBLING;

/** The bucket of a duration in milliseconds. */
export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const index = 1 + Math.floor(Math.log2(ms / MIN_MS) * PER_DOUBLING);
  return index >= BUCKET_COUNT ? BUCKET_COUNT - 1 : index;
}

/** A representative duration of a bucket: the geometric middle of its bounds. */
export function bucketValue(index: number): number {
  if (index <= 0) return 0;
  return MIN_MS * 2 ** ((index - 0.5) / PER_DOUBLING);
}

/** Dense counts, one per bucket: the form to add into. */
export type DenseHistogram = Float64Array;

export function emptyHistogram(): DenseHistogram {
  return new Float64Array(BUCKET_COUNT);
}

/**
 * The stored form: little-endian uint32 words, the first bucket's index then the counts from it
 * to the last non-empty bucket. A function's calls usually span a dozen buckets: ~50 bytes.
 */
export function encodeHistogram(dense: DenseHistogram): Buffer {
  let first = 0;
  while (first < BUCKET_COUNT && dense[first] === 0) first++;
  if (first === BUCKET_COUNT) return Buffer.alloc(0);
  let last = BUCKET_COUNT - 1;
  while (dense[last] === 0) last--;
  const out = Buffer.allocUnsafe(4 * (last - first + 2));
  out.writeUInt32LE(first, 0);
  for (let i = first; i <= last; i++) out.writeUInt32LE(Math.min(dense[i]!, 0xffffffff), 4 * (i - first + 1));
  return out;
}

/** Adds an encoded histogram into a dense one. Unknown or empty input adds nothing. */
export function addEncoded(into: DenseHistogram, encoded: Uint8Array | null | undefined): void {
  if (!encoded || encoded.length < 8) return;
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const first = view.getUint32(0, true);
  const words = encoded.byteLength >>> 2;
  for (let w = 1; w < words; w++) {
    const index = first + w - 1;
    if (index >= BUCKET_COUNT) break;
    into[index] = into[index]! + view.getUint32(4 * w, true);
  }
}

/**
 * Several quantiles (ascending, each 0 < q ≤ 1) in one pass over the buckets, each as `quantile`
 * answers it; all null when empty.
 */
export function quantiles(dense: DenseHistogram, qs: readonly number[], maxMs = Number.POSITIVE_INFINITY): (number | null)[] {
  let total = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) total += dense[i]!;
  if (total === 0) return qs.map(() => null);
  const out: (number | null)[] = [];
  let seen = 0;
  let i = 0;
  for (const q of qs) {
    const rank = Math.max(1, Math.ceil(q * total));
    while (i < BUCKET_COUNT - 1 && seen + dense[i]! < rank) seen += dense[i++]!;
    out.push(Math.min(bucketValue(i), maxMs));
  }
  return out;
}

/** The q-quantile (0 < q ≤ 1) of a dense histogram, capped by the largest value seen; null when empty. */
export function quantile(dense: DenseHistogram, q: number, maxMs = Number.POSITIVE_INFINITY): number | null {
  let total = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) total += dense[i]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    seen += dense[i]!;
    if (seen >= rank) return Math.min(bucketValue(i), maxMs);
  }
  return Math.min(bucketValue(BUCKET_COUNT - 1), maxMs);
}
