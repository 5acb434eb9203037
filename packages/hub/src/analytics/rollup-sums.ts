import { addEncoded, emptyHistogram, quantiles, type DenseHistogram } from '../stats/log-histogram.js';
import type { BreakdownQuery, BreakdownRow, MetricsSeries, MetricsTotals, RollupDelta } from './rollup-store.js';

/**
 * The arithmetic every rollup store shares once its rows are read: sums merged per group, the
 * histogram kept dense, then points, totals and sorted breakdown rows. Pure.
 */

/** The numbers a delta, a stored row and a group of rows carry (names as in RollupDelta). */
type Numbers = Pick<RollupDelta, 'calls' | 'errors' | 'durationSumMs' | 'durationMaxMs' | 'inputTokens' | 'outputTokens' | 'costUsd'>;

/** Sums of one group across deltas, rows and segments, the histogram kept dense until the end. */
export type Sums = Numbers & { dense: DenseHistogram };

export function emptySums(): Sums {
  return { calls: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, dense: emptyHistogram() };
}

/** Counts and sums add, the maximum is the larger. */
function addNumbers(into: Numbers, from: Numbers): void {
  into.calls += from.calls;
  into.errors += from.errors;
  into.durationSumMs += from.durationSumMs;
  into.durationMaxMs = Math.max(into.durationMaxMs, from.durationMaxMs);
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.costUsd += from.costUsd;
}

export function addSums(into: Sums, sums: Sums): void {
  addNumbers(into, sums);
  for (let i = 0; i < sums.dense.length; i++) into.dense[i]! += sums.dense[i]!;
}

/** Adds a delta (or a stored row: numbers and an encoded histogram) into sums. */
export function addDelta(into: Sums, delta: Numbers & { histogram: Uint8Array | null }): void {
  addNumbers(into, delta);
  addEncoded(into.dense, delta.histogram);
}

const QUANTILES = [0.5, 0.95, 0.99];

/** Rates, the mean and the quantiles of merged sums (the three quantiles in one pass). */
export function totalsOf(s: Sums): MetricsTotals {
  const totals: MetricsTotals = {
    calls: s.calls, errors: s.errors, errorRate: 0, avgMs: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null,
    inputTokens: s.inputTokens, outputTokens: s.outputTokens, costUsd: s.costUsd,
  };
  if (s.calls === 0) return totals;
  totals.errorRate = s.errors / s.calls;
  totals.avgMs = s.durationSumMs / s.calls;
  totals.maxMs = s.durationMaxMs;
  [totals.p50Ms, totals.p95Ms, totals.p99Ms] = quantiles(s.dense, QUANTILES, s.durationMaxMs);
  return totals;
}

/** A histogram's bytes as a Buffer without copying (SQLite binds Buffers as BLOBs). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** What a write adds to the pre-merged rows: per minute, each service's sums and every service's ('' ). */
export function totalsByService(deltas: readonly RollupDelta[]): (Sums & { bucket: number; service: string })[] {
  const groups = new Map<string, ReturnType<typeof totalsByService>[number]>();
  for (const delta of deltas) {
    for (const service of [delta.service, '']) {
      const key = `${delta.bucket}\u0000${service}`;
      let group = groups.get(key);
      if (!group) {
        group = { bucket: delta.bucket, service, calls: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, dense: emptyHistogram() };
        groups.set(key, group);
      }
      addDelta(group, delta);
    }
  }
  return [...groups.values()];
}

/** The columns a breakdown groups by, and which rows it reads. */
export const GROUPS: Record<BreakdownQuery['by'], { columns: ('service' | 'name' | 'model')[]; kind?: string; modelOnly?: boolean }> = {
  service: { columns: ['service'] },
  function: { columns: ['service', 'name'] },
  model: { columns: ['model'], modelOnly: true },
  workflow: { columns: ['service', 'name'], kind: 'workflow' },
};

const ORDER: Record<BreakdownQuery['sort'], (row: BreakdownRow) => number> = {
  calls: (r) => r.calls,
  errors: (r) => r.errors,
  errorRate: (r) => r.errorRate,
  p95: (r) => r.p95Ms ?? -1,
  cost: (r) => r.costUsd,
};

/** Points in time order (keys are the steps' starts) and their totals. */
export function seriesOf(step: number, points: Map<string | number, Sums>): MetricsSeries {
  const series: MetricsSeries = {
    step, t: [], calls: [], errors: [], errorRate: [], p50Ms: [], p95Ms: [], p99Ms: [], inputTokens: [], outputTokens: [], costUsd: [],
    totals: totalsOf(emptySums()),
  };
  const all = emptySums();
  for (const [t, sums] of [...points].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const totals = totalsOf(sums);
    series.t.push(Number(t));
    series.calls.push(totals.calls);
    series.errors.push(totals.errors);
    series.errorRate.push(totals.errorRate);
    series.p50Ms.push(totals.p50Ms);
    series.p95Ms.push(totals.p95Ms);
    series.p99Ms.push(totals.p99Ms);
    series.inputTokens.push(totals.inputTokens);
    series.outputTokens.push(totals.outputTokens);
    series.costUsd.push(totals.costUsd);
    addSums(all, sums);
  }
  series.totals = totalsOf(all);
  return series;
}

/** Breakdown rows from groups keyed by the group's column values joined with `separator`, sorted, the first `limit`. */
export function breakdownOf(query: BreakdownQuery, groups: Map<string | number, Sums>, separator: string): BreakdownRow[] {
  const { columns } = GROUPS[query.by];
  // Ties keep the order of their keys, whatever order the store's rows came in.
  const sorted = [...groups].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const rows = sorted.map(([k, sums]): BreakdownRow => {
    const parts = String(k).split(separator);
    const row: BreakdownRow = { service: '', ...totalsOf(sums) };
    columns.forEach((column, i) => ((row as unknown as Record<string, string>)[column] = parts[i]!));
    return row;
  });
  const order = ORDER[query.sort];
  return rows.sort((a, b) => order(b) - order(a)).slice(0, query.limit);
}
