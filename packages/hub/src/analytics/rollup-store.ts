/**
 * The rollup store: aggregates of ended spans per minute, 10 minutes, hour and day (TIERS).
 * A port of its own, next to (not inside) SpanStore, so that every engine implements it on its own
 * terms: SQLite keeps them in `<data>/analytics.sqlite` on a thread of their own
 * (sqlite/sqlite-rollup-store.ts), PostgreSQL in tables every hub of a scaled setup adds to
 * (postgres/postgres-rollup-store.ts). Both pass rollup-store-cases.ts.
 */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * Every delta is added to one row per tier, so a query reads the coarsest rows that fit its
 * range and step: a day at 10-minute steps reads 144 rows per series, not 1,440. A tier's rows
 * older than `keepMs` are pruned; the coarser tiers still hold them.
 */
export const TIERS: readonly { res: number; keepMs: number }[] = [
  { res: MINUTE, keepMs: 2 * DAY },
  { res: 10 * MINUTE, keepMs: 14 * DAY },
  { res: HOUR, keepMs: 90 * DAY },
  { res: DAY, keepMs: Number.POSITIVE_INFINITY },
];

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
  /** Adds the deltas to their row of every tier in one transaction (counts add, histograms merge). */
  add(deltas: readonly RollupDelta[]): Promise<void>;
  /**
   * Stores shared by several hubs: marks the span ids counted and answers those no hub had counted
   * recently, so a span whose records reached two hubs counts once. A store of one hub leaves it
   * out (the accumulator's RecentIds is enough).
   */
  claim?(spanIds: readonly string[], now: number): Promise<Set<string>>;
  /** Deletes each tier's rows older than its `keepMs` before `now`; answers how many. */
  prune(now: number): Promise<number>;
  /**
   * Points of width `step` (a whole number of minutes) over the filter's range, widened to whole
   * steps, and its totals. Ranges older than a tier's retention come from the next coarser tier.
   */
  series(filter: MetricsFilter, step: number): Promise<MetricsSeries>;
  /** Totals of exactly [from, to) (edges from finer tiers, not widened to steps): what alert rules read. */
  totals(filter: MetricsFilter): Promise<MetricsTotals>;
  /** Totals per group, sorted, the first `limit`. */
  breakdown(query: BreakdownQuery): Promise<BreakdownRow[]>;
  /** Bytes on disk. */
  sizeBytes(): number;
  close(): Promise<void>;
}
