import type Database from 'better-sqlite3';
import { addTo, percentile, type Histogram } from './histogram.js';
import { HOUR, MINUTE } from './rollup-schema.js';
import type { MetricsQuery, MetricsReport, ProjectMetrics, SlowNode, Totals, TrendPoint } from './run-metrics.js';

/** Ranges up to this long read minute buckets; longer ones hour buckets. */
const MINUTE_RANGE_LIMIT = 6 * HOUR;
/** Trend steps, smallest first; the first that gives at most ~120 points is used. */
const STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR];
const MAX_POINTS = 120;

interface RollupRow {
  bucket: number;
  project: string;
  workflow: string;
  succeeded: number;
  failed: number;
  cancelled: number;
  duration_sum: number;
  histogram: string;
}

interface Acc {
  succeeded: number;
  failed: number;
  cancelled: number;
  sum: number;
  histogram: Histogram;
}

const emptyAcc = (): Acc => ({ succeeded: 0, failed: 0, cancelled: 0, sum: 0, histogram: {} });

function add(acc: Acc, row: RollupRow): void {
  acc.succeeded += row.succeeded;
  acc.failed += row.failed;
  acc.cancelled += row.cancelled;
  acc.sum += row.duration_sum;
  addTo(acc.histogram, JSON.parse(row.histogram) as Histogram);
}

function totalsOf(acc: Acc): Totals {
  const executions = acc.succeeded + acc.failed + acc.cancelled;
  const decided = acc.succeeded + acc.failed;
  return {
    executions,
    succeeded: acc.succeeded,
    failed: acc.failed,
    cancelled: acc.cancelled,
    successRate: decided === 0 ? null : acc.succeeded / decided,
    p50Ms: percentile(acc.histogram, 0.5),
    p95Ms: percentile(acc.histogram, 0.95),
    avgMs: executions === 0 ? null : Math.round(acc.sum / executions),
  };
}

/** The bucket width read for a range, and the trend's step. */
export function resolutionFor(from: number, to: number): { resolutionMs: number; stepMs: number } {
  const span = Math.max(1, to - from);
  const resolutionMs = span <= MINUTE_RANGE_LIMIT ? MINUTE : HOUR;
  const stepMs = STEPS.find((s) => s >= resolutionMs && span / s <= MAX_POINTS) ?? STEPS.at(-1)!;
  return { resolutionMs, stepMs };
}

/**
 * Reads the rollups: every figure of a report comes from at most (range / bucket) rows per
 * workflow, whatever the number of runs behind them (bench/workflow-metrics).
 */
export class SqliteMetricsReader {
  constructor(private readonly db: Database.Database) {}

  private where(query: MetricsQuery, resolution: number): { sql: string; params: unknown[]; from: number } {
    const from = Math.floor(query.from / resolution) * resolution;
    const clauses = ['resolution = ?', 'bucket >= ?', 'bucket < ?'];
    const params: unknown[] = [resolution, from, query.to];
    if (query.project !== undefined) {
      clauses.push('project = ?');
      params.push(query.project);
    }
    if (query.workflow !== undefined) {
      clauses.push('workflow = ?');
      params.push(query.workflow);
    }
    return { sql: clauses.join(' AND '), params, from };
  }

  report(query: MetricsQuery): MetricsReport {
    const { resolutionMs, stepMs } = resolutionFor(query.from, query.to);
    const { sql, params, from } = this.where(query, resolutionMs);
    const rows = this.db
      .prepare(`SELECT bucket, project, workflow, succeeded, failed, cancelled, duration_sum, histogram FROM run_rollups WHERE ${sql}`)
      .all(...params) as RollupRow[];
    const all = emptyAcc();
    const perWorkflow = new Map<string, Acc>();
    const trendStart = Math.floor(from / stepMs) * stepMs;
    const points = new Map<number, TrendPoint>();
    for (let t = trendStart; t < query.to; t += stepMs) points.set(t, { t, succeeded: 0, failed: 0, cancelled: 0 });
    for (const row of rows) {
      add(all, row);
      const key = `${row.project}\u0000${row.workflow}`;
      let acc = perWorkflow.get(key);
      if (!acc) perWorkflow.set(key, (acc = emptyAcc()));
      add(acc, row);
      const t = Math.floor(row.bucket / stepMs) * stepMs;
      const point = points.get(t) ?? { t, succeeded: 0, failed: 0, cancelled: 0 };
      point.succeeded += row.succeeded;
      point.failed += row.failed;
      point.cancelled += row.cancelled;
      points.set(t, point);
    }
    const byCode = this.db
      .prepare(`SELECT code, SUM(count) AS count FROM run_error_rollups WHERE ${sql} GROUP BY code ORDER BY count DESC LIMIT 20`)
      .all(...params) as { code: string; count: number }[];
    const byNodeType = this.db
      .prepare(`SELECT node_type AS nodeType, SUM(count) AS count FROM run_error_rollups WHERE ${sql} GROUP BY node_type ORDER BY count DESC LIMIT 20`)
      .all(...params) as { nodeType: string; count: number }[];
    const slowestNodes = this.db
      .prepare(
        `SELECT project, workflow, node_id AS nodeId, node_type AS nodeType, SUM(executions) AS executions, SUM(failed) AS failed,
                ROUND(SUM(duration_sum) / SUM(executions)) AS avgMs, MAX(duration_max) AS maxMs
         FROM node_rollups WHERE ${sql} GROUP BY project, workflow, node_id ORDER BY avgMs DESC LIMIT 10`,
      )
      .all(...params) as SlowNode[];
    return {
      range: { from, to: query.to, resolutionMs, stepMs },
      totals: { ...totalsOf(all), running: this.running(query) },
      trend: [...points.values()].sort((a, b) => a.t - b.t),
      errors: { byCode, byNodeType },
      slowestNodes,
      workflows: [...perWorkflow.entries()]
        .map(([key, acc]) => {
          const [project, workflow] = key.split('\u0000') as [string, string];
          return { project, workflow, ...totalsOf(acc) };
        })
        .sort((a, b) => b.executions - a.executions),
    };
  }

  /** Queued, running and waiting runs now (the partial index on unfinished runs). */
  private running(query: { project?: string; workflow?: string }): number {
    const clauses = ["status IN ('queued', 'running', 'waiting')"];
    const params: unknown[] = [];
    if (query.project !== undefined) {
      clauses.push('project = ?');
      params.push(query.project);
    }
    if (query.workflow !== undefined) {
      clauses.push('workflow = ?');
      params.push(query.workflow);
    }
    return (this.db.prepare(`SELECT COUNT(*) FROM runs WHERE ${clauses.join(' AND ')}`).pluck().get(...params) as number) ?? 0;
  }

  projects(range: { from: number; to: number }): ProjectMetrics[] {
    const { resolutionMs } = resolutionFor(range.from, range.to);
    const { sql, params } = this.where(range, resolutionMs);
    const rows = this.db
      .prepare(`SELECT bucket, project, workflow, succeeded, failed, cancelled, duration_sum, histogram FROM run_rollups WHERE ${sql}`)
      .all(...params) as RollupRow[];
    const perProject = new Map<string, Acc>();
    for (const row of rows) {
      let acc = perProject.get(row.project);
      if (!acc) perProject.set(row.project, (acc = emptyAcc()));
      add(acc, row);
    }
    const running = new Map(
      (this.db.prepare("SELECT project, COUNT(*) AS n FROM runs WHERE status IN ('queued', 'running', 'waiting') GROUP BY project").all() as { project: string; n: number }[]).map((r) => [r.project, r.n]),
    );
    const last = this.db.prepare('SELECT MAX(bucket + ?) FROM run_rollups WHERE resolution = ? AND project = ?').pluck();
    const projects = new Set([...perProject.keys(), ...running.keys()]);
    return [...projects].map((project) => ({
      project,
      ...totalsOf(perProject.get(project) ?? emptyAcc()),
      running: running.get(project) ?? 0,
      lastRunAt: (last.get(MINUTE, MINUTE, project) as number | null) ?? null,
    }));
  }
}
