/**
 * The rollup store: per-minute aggregates of ended spans, folded into hours and days as they age.
 * A port of its own, next to (not inside) SpanStore, so that every engine implements it on its own
 * terms: SQLite keeps them in `<data>/analytics.sqlite` on a thread of their own
 * (sqlite/sqlite-rollup-store.ts); PostgreSQL can implement the same interface later.
 */

/** Widths of stored buckets, ms. Minutes fold into hours, hours into days (analytics.md). */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The dimensions of a rollup row; `model` is '' for spans without one. */
export interface RollupKey {
  service: string;
  name: string;
  kind: string;
  model: string;
}

/** What one minute of one series adds: counts, sums and the latency histogram (stats/log-histogram.ts). */
export interface RollupDelta extends RollupKey {
  /** Start of the minute, epoch ms. */
  bucket: number;
  calls: number;
  errors: number;
  durationSumMs: number;
  durationMaxMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Encoded histogram (encodeHistogram). */
  histogram: Uint8Array;
}

export interface MetricsFilter {
  service?: string;
  name?: string;
  model?: string;
  kind?: string;
  /** Inclusive start and exclusive end, epoch ms; rows are matched by their bucket's start. */
  from: number;
  to: number;
}

export interface MetricsTotals {
  calls: number;
  errors: number;
  /** errors / calls, 0 without calls. */
  errorRate: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One point per step, columnar (what uPlot draws). */
export interface MetricsSeries {
  step: number;
  t: number[];
  calls: number[];
  errors: number[];
  errorRate: number[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  inputTokens: number[];
  outputTokens: number[];
  costUsd: number[];
  totals: MetricsTotals;
}

export type BreakdownBy = 'service' | 'function' | 'model' | 'workflow';
export type BreakdownSort = 'calls' | 'errors' | 'errorRate' | 'p95' | 'cost';

export interface BreakdownRow extends MetricsTotals {
  service: string;
  /** Present for `function` and `workflow`. */
  name?: string;
  /** Present for `model`. */
  model?: string;
}

export interface BreakdownQuery extends MetricsFilter {
  by: BreakdownBy;
  sort: BreakdownSort;
  limit: number;
}

export interface RollupStore {
  /** Adds the deltas to their minute rows in one transaction (counts add, histograms merge). */
  add(deltas: readonly RollupDelta[]): Promise<void>;
  /** Folds minute rows older than `minutesBefore` into hours and hours older than `hoursBefore` into days. */
  fold(minutesBefore: number, hoursBefore: number): Promise<{ minutes: number; hours: number }>;
  /** Points of width `step` (≥ 1 minute) over the filter's range, and its totals. */
  series(filter: MetricsFilter, step: number): Promise<MetricsSeries>;
  /** Totals per group, sorted, the first `limit`. */
  breakdown(query: BreakdownQuery): Promise<BreakdownRow[]>;
  /** Bytes on disk. */
  sizeBytes(): number;
  close(): Promise<void>;
}
