import type pg from 'pg';
import { numbered } from '../../store/postgres/where.js';
import { addTo, type Histogram } from './histogram.js';
import type { PostgresRollupLog } from './postgres-rollup-log.js';
import { resolutionFor, rollupWhere, scopeWhere, totalsOf, trendOf, type Sums } from './report-parts.js';
import { DAY, MINUTE } from './rollup-schema.js';
import type { MetricsQuery, MetricsReport, ProjectMetrics, RunMetricsStore, SlowNode } from './run-metrics.js';

const SUMS = 'SUM(succeeded)::float8, SUM(failed)::float8, SUM(cancelled)::float8, SUM(duration_sum)';
const UNFINISHED = "status IN ('queued', 'running', 'waiting')";

/**
 * {@link RunMetricsStore} read from the `wf_` rollup tables (scaled mode): what every hub shows,
 * whichever worker finished the runs. Written by `postgres-rollup-writer.ts` in the run store's
 * transaction, as deltas in `wf_rollup_log` that `postgres-rollup-log.ts` folds. The same queries
 * as the SQLite reader; sums come back as float8 (a bigint would be a string in node-postgres).
 */
export class PostgresRunMetrics implements RunMetricsStore {
  constructor(
    private readonly pool: pg.Pool,
    /** Folded before each report: the rollups then count every run committed before the request. */
    private readonly log: PostgresRollupLog,
  ) {}

  private async rows<T extends unknown[]>(sql: string, params: unknown[]): Promise<T[]> {
    const result = await this.pool.query<T>({ text: numbered(sql), values: params, rowMode: 'array' });
    return result.rows;
  }


  private async histograms(query: MetricsQuery, resolution: number, group: string[]): Promise<Map<string, Histogram>> {
    const { sql, params } = rollupWhere(query, resolution);
    const out = new Map<string, Histogram>();
    for (const row of await this.rows<unknown[]>(`SELECT ${[...group, 'histogram'].join(', ')} FROM wf_run_rollups WHERE ${sql}`, params)) {
      const key = row.slice(0, group.length).join('\u0000');
      let histogram = out.get(key);
      if (!histogram) out.set(key, (histogram = {}));
      addTo(histogram, row[group.length] as Histogram);
    }
    return out;
  }

  async report(query: MetricsQuery): Promise<MetricsReport> {
    await this.log.fold();
    const { resolutionMs, stepMs } = resolutionFor(query.from, query.to);
    const { sql, params, from } = rollupWhere(query, resolutionMs);
    const [[all], trendRows, perWorkflow, workflowHistograms, byCode, byNodeType, slowest, running] = await Promise.all([
      this.rows<Sums>(`SELECT ${SUMS} FROM wf_run_rollups WHERE ${sql}`, params),
      this.rows<number[]>(`SELECT floor(bucket / ?) * ? AS t, SUM(succeeded)::float8, SUM(failed)::float8, SUM(cancelled)::float8 FROM wf_run_rollups WHERE ${sql} GROUP BY t`, [stepMs, stepMs, ...params]),
      this.rows<[string, string, ...Sums]>(
        `SELECT project, workflow, ${SUMS} FROM wf_run_rollups WHERE ${sql} GROUP BY project, workflow ORDER BY SUM(succeeded) + SUM(failed) + SUM(cancelled) DESC LIMIT 200`,
        params,
      ),
      this.histograms(query, resolutionMs, ['project', 'workflow']),
      this.rows<[string, number]>(`SELECT code, SUM(count)::float8 AS n FROM wf_run_error_rollups WHERE ${sql} GROUP BY code ORDER BY n DESC, code LIMIT 20`, params),
      this.rows<[string, number]>(`SELECT node_type, SUM(count)::float8 AS n FROM wf_run_error_rollups WHERE ${sql} GROUP BY node_type ORDER BY n DESC, node_type LIMIT 20`, params),
      this.rows<[string, string, string, string, number, number, number, number]>(
        `SELECT project, workflow, node_id, MIN(node_type), SUM(executions)::float8, SUM(failed)::float8,
                round(SUM(duration_sum) / SUM(executions)) AS avg_ms, MAX(duration_max)
         FROM wf_node_rollups WHERE ${sql} GROUP BY project, workflow, node_id ORDER BY avg_ms DESC LIMIT 10`,
        params,
      ),
      this.running(query),
    ]);
    const slowestNodes: SlowNode[] = slowest.map(([project, workflow, nodeId, nodeType, executions, failed, avgMs, maxMs]) => ({ project, workflow, nodeId, nodeType, executions, failed, avgMs, maxMs }));
    return {
      range: { from, to: query.to, resolutionMs, stepMs },
      totals: { ...totalsOf(all ?? [0, 0, 0, 0], [...workflowHistograms.values()].reduce((merged, h) => addTo(merged, h), {})), running },
      trend: trendOf(from, query.to, stepMs, trendRows),
      errors: { byCode: byCode.map(([code, count]) => ({ code, count })), byNodeType: byNodeType.map(([nodeType, count]) => ({ nodeType, count })) },
      slowestNodes,
      workflows: perWorkflow.map(([project, workflow, ...s]) => ({ project, workflow, ...totalsOf(s, workflowHistograms.get(`${project}\u0000${workflow}`) ?? {}) })),
    };
  }

  private async running(query: { project?: string; workflow?: string }): Promise<number> {
    const { sql, params } = scopeWhere(query, [UNFINISHED]);
    const [row] = await this.rows<[number]>(`SELECT COUNT(*)::int FROM wf_runs WHERE ${sql}`, params);
    return row?.[0] ?? 0;
  }

  async lastChanges(): Promise<Record<string, number>> {
    return Object.fromEntries(await this.rows<[string, number]>('SELECT project, MAX(saved_at) FROM wf_versions GROUP BY project', []));
  }

  async projects(range: { from: number; to: number }): Promise<ProjectMetrics[]> {
    await this.log.fold();
    const { resolutionMs } = resolutionFor(range.from, range.to);
    const { sql, params } = rollupWhere(range, resolutionMs);
    const [rows, histograms, runningRows, lastRows] = await Promise.all([
      this.rows<[string, ...Sums]>(`SELECT project, ${SUMS} FROM wf_run_rollups WHERE ${sql} GROUP BY project`, params),
      this.histograms(range, resolutionMs, ['project']),
      this.rows<[string, number]>(`SELECT project, COUNT(*)::int FROM wf_runs WHERE ${UNFINISHED} GROUP BY project`, []),
      // The end of the newest minute with runs, found through the newest day bucket (two index seeks per project).
      this.rows<[string, number | null, number]>(
        `SELECT d.project, (SELECT MAX(bucket) FROM wf_run_rollups m WHERE m.resolution = ? AND m.project = d.project AND m.bucket >= d.day), d.day
         FROM (SELECT project, MAX(bucket) AS day FROM wf_run_rollups WHERE resolution = ? GROUP BY project) d`,
        [MINUTE, DAY],
      ),
    ]);
    const sums = new Map(rows.map(([project, ...s]) => [project, s]));
    const running = new Map(runningRows);
    const lastRunAt = new Map(lastRows.map(([project, minute, day]) => [project, minute === null ? day : minute + MINUTE]));
    const projects = new Set([...sums.keys(), ...running.keys()]);
    return [...projects].map((project) => ({
      project,
      ...totalsOf(sums.get(project) ?? [0, 0, 0, 0], histograms.get(project) ?? {}),
      running: running.get(project) ?? 0,
      lastRunAt: lastRunAt.get(project) ?? null,
    }));
  }
}
