import { percentile, type Histogram } from './histogram.js';
import { DAY, HOUR, MINUTE } from './rollup-schema.js';
import type { MetricsQuery, Totals, TrendPoint } from './run-metrics.js';

/* What the SQLite and PostgreSQL readers share: the resolution a range reads, totals from sums and a histogram, the trend's points. */

/** Trend steps, smallest first; the first that gives at most ~120 points is used. */
const STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY];
const MAX_POINTS = 120;

/** The bucket width read for a range (minute up to 6 h, hour up to 3 days, else day), and the trend's step. */
export function resolutionFor(from: number, to: number): { resolutionMs: number; stepMs: number } {
  const span = Math.max(1, to - from);
  const resolutionMs = span <= 6 * HOUR ? MINUTE : span <= 3 * DAY ? HOUR : DAY;
  const stepMs = STEPS.find((s) => s >= resolutionMs && span / s <= MAX_POINTS) ?? STEPS.at(-1)!;
  return { resolutionMs, stepMs };
}

export type Sums = [succeeded: number | null, failed: number | null, cancelled: number | null, durationSum: number | null];

export function totalsOf(sums: Sums, histogram: Histogram): Totals {
  const [succeeded, failed, cancelled, sum] = sums.map((n) => n ?? 0) as [number, number, number, number];
  const executions = succeeded + failed + cancelled;
  return {
    executions,
    succeeded,
    failed,
    cancelled,
    successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
    p50Ms: percentile(histogram, 0.5),
    p95Ms: percentile(histogram, 0.95),
    avgMs: executions === 0 ? null : Math.round(sum / executions),
  };
}

/** Every step of the range, zero where no rollup row has runs. */
export function trendOf(from: number, to: number, stepMs: number, rows: readonly (readonly number[])[]): TrendPoint[] {
  const points = new Map<number, TrendPoint>();
  for (let t = Math.floor(from / stepMs) * stepMs; t < to; t += stepMs) points.set(t, { t, succeeded: 0, failed: 0, cancelled: 0 });
  for (const [t, succeeded, failed, cancelled] of rows) points.set(t!, { t: t!, succeeded: succeeded!, failed: failed!, cancelled: cancelled! });
  return [...points.values()].sort((a, b) => a.t - b.t);
}

/** `project = ?` and `workflow = ?` for the filters a query sets ('?' placeholders: SQLite as is, PostgreSQL through `numbered`). */
export function scopeWhere(query: { project?: string; workflow?: string }, clauses: string[] = [], params: unknown[] = []): { sql: string; params: unknown[] } {
  if (query.project !== undefined) {
    clauses.push('project = ?');
    params.push(query.project);
  }
  if (query.workflow !== undefined) {
    clauses.push('workflow = ?');
    params.push(query.workflow);
  }
  return { sql: clauses.join(' AND '), params };
}

/** The filter of a query on a rollup table: its resolution, whole buckets from `from`, its scope. */
export function rollupWhere(query: MetricsQuery, resolution: number): { sql: string; params: unknown[]; from: number } {
  const from = Math.floor(query.from / resolution) * resolution;
  return { ...scopeWhere(query, ['resolution = ?', 'bucket >= ?', 'bucket < ?'], [resolution, from, query.to]), from };
}
