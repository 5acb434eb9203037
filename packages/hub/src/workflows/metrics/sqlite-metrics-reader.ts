import type Database from 'better-sqlite3';
import { addTo, type Histogram } from './histogram.js';
import { resolutionFor, rollupWhere, scopeWhere, totalsOf, trendOf, type Sums } from './report-parts.js';
import { DAY, MINUTE } from './rollup-schema.js';
import type { MetricsQuery, MetricsReport, ProjectMetrics, SlowNode } from './run-metrics.js';

/**
 * Reads the rollups. Sums and the trend are computed by SQLite, duration histograms merged here,
 * so a report reads at most (range / bucket) rows per workflow, whatever the number of runs
 * (bench/workflow-metrics).
 */
export class SqliteMetricsReader {
  constructor(private readonly db: Database.Database) {}


  /**
   * Merged histograms, by group key (the `group` columns joined by \0; '' without grouping). The
   * stored JSON is merged here: a report reads at most a few thousand rows (6 h of minutes, 3 days
   * of hours, 400 days) per workflow, and parsing them beats SQLite's json_each + a temporary B-tree.
   */
  private histograms(query: MetricsQuery, resolution: number, group: string[]): Map<string, Histogram> {
    const { sql, params } = rollupWhere(query, resolution);
    const rows = this.db
      .prepare(`SELECT ${[...group, 'histogram'].join(', ')} FROM run_rollups WHERE ${sql}`)
      .raw()
      .all(...params) as string[][];
    const out = new Map<string, Histogram>();
    for (const row of rows) {
      const key = row.slice(0, group.length).join('\u0000');
      let histogram = out.get(key);
      if (!histogram) out.set(key, (histogram = {}));
      addTo(histogram, JSON.parse(row[group.length]!) as Histogram);
    }
    return out;
  }

  report(query: MetricsQuery): MetricsReport {
    const { resolutionMs, stepMs } = resolutionFor(query.from, query.to);
    const { sql, params, from } = rollupWhere(query, resolutionMs);
    const sums = 'SUM(succeeded), SUM(failed), SUM(cancelled), SUM(duration_sum)';
    const all = this.db.prepare(`SELECT ${sums} FROM run_rollups WHERE ${sql}`).raw().get(...params) as Sums;
    const trendRows = this.db
      .prepare(`SELECT bucket - (bucket % ?) AS t, SUM(succeeded), SUM(failed), SUM(cancelled) FROM run_rollups WHERE ${sql} GROUP BY t`)
      .raw()
      .all(stepMs, ...params) as number[][];
    const perWorkflow = this.db
      .prepare(`SELECT project, workflow, ${sums} FROM run_rollups WHERE ${sql} GROUP BY project, workflow ORDER BY SUM(succeeded) + SUM(failed) + SUM(cancelled) DESC LIMIT 200`)
      .raw()
      .all(...params) as [string, string, ...Sums][];
    const workflowHistograms = this.histograms(query, resolutionMs, ['project', 'workflow']);
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
      totals: { ...totalsOf(all, [...workflowHistograms.values()].reduce((merged, h) => addTo(merged, h), {})), running: this.running(query) },
      trend: trendOf(from, query.to, stepMs, trendRows),
      errors: { byCode, byNodeType },
      slowestNodes,
      workflows: perWorkflow.map(([project, workflow, ...s]) => ({ project, workflow, ...totalsOf(s, workflowHistograms.get(`${project}\u0000${workflow}`) ?? {}) })),
    };
  }

  /** Queued, running and waiting runs now (the partial index on unfinished runs). */
  private running(query: { project?: string; workflow?: string }): number {
    const { sql, params } = scopeWhere(query, ["status IN ('queued', 'running', 'waiting')"]);
    // INDEXED BY: with a project filter SQLite would otherwise walk that project's every run.
    return (this.db.prepare(`SELECT COUNT(*) FROM runs INDEXED BY runs_unfinished WHERE ${sql}`).pluck().get(...params) as number) ?? 0;
  }

  /** The newest saved workflow version per project (the versions table is small: one row per save). */
  lastChanges(): Record<string, number> {
    const rows = this.db.prepare('SELECT project, MAX(saved_at) FROM workflow_versions GROUP BY project').raw().all() as [string, number][];
    return Object.fromEntries(rows);
  }

  projects(range: { from: number; to: number }): ProjectMetrics[] {
    const { resolutionMs } = resolutionFor(range.from, range.to);
    const { sql, params } = rollupWhere(range, resolutionMs);
    const rows = this.db
      .prepare(`SELECT project, SUM(succeeded), SUM(failed), SUM(cancelled), SUM(duration_sum) FROM run_rollups WHERE ${sql} GROUP BY project`)
      .raw()
      .all(...params) as [string, ...Sums][];
    const histograms = this.histograms(range, resolutionMs, ['project']);
    const sums = new Map(rows.map(([project, ...s]) => [project, s]));
    const running = new Map(
      (this.db.prepare("SELECT project, COUNT(*) FROM runs INDEXED BY runs_unfinished WHERE status IN ('queued', 'running', 'waiting') GROUP BY project").raw().all() as [string, number][]),
    );
    // The end of the newest day bucket with runs, then its newest minute: two short index seeks.
    const lastDay = this.db.prepare('SELECT MAX(bucket) FROM run_rollups WHERE resolution = ? AND project = ?').pluck();
    const lastMinute = this.db.prepare('SELECT MAX(bucket) FROM run_rollups WHERE resolution = ? AND bucket >= ? AND project = ?').pluck();
    const lastRunAt = (project: string): number | null => {
      const day = lastDay.get(DAY, project) as number | null;
      if (day === null) return null;
      const minute = lastMinute.get(MINUTE, day, project) as number | null;
      return minute === null ? day : minute + MINUTE;
    };
    const projects = new Set([...sums.keys(), ...running.keys()]);
    return [...projects].map((project) => ({
      project,
      ...totalsOf(sums.get(project) ?? [0, 0, 0, 0], histograms.get(project) ?? {}),
      running: running.get(project) ?? 0,
      lastRunAt: lastRunAt(project),
    }));
  }
}
