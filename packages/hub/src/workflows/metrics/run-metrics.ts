/**
 * Workflow run metrics, kept as rollups in time buckets as runs finish: what the metrics view and
 * the project cards read, never raw runs. Each run store records them in the transaction that
 * commits the runs, so a run is counted exactly when it is stored as finished: SQLite on
 * `workflows.sqlite` (`sqlite-run-metrics.ts`, through `SqliteRunStore.onWrite`), PostgreSQL next
 * to the `wf_` tables (`postgres-run-metrics.ts`, through `PostgresRunStore.onWrite`) — both
 * fold a write with `rollup-fold.ts` and pass `metrics-cases.ts`.
 */
export interface RunMetricsStore {
  report(query: MetricsQuery): Promise<MetricsReport>;
  /** Per-project summaries (the project cards). */
  projects(range: { from: number; to: number }): Promise<ProjectMetrics[]>;
  /** Per project: when a workflow version was last saved (epoch ms). */
  lastChanges(): Promise<Record<string, number>>;
}

export interface MetricsQuery {
  project?: string;
  workflow?: string;
  /** Epoch ms; the range is widened to whole buckets of the resolution chosen. */
  from: number;
  to: number;
}

export interface Totals {
  executions: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / (succeeded + failed), 0..1; null without finished runs. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  avgMs: number | null;
}

export interface TrendPoint {
  /** Bucket start, epoch ms. */
  t: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface SlowNode {
  project: string;
  workflow: string;
  nodeId: string;
  nodeType: string;
  executions: number;
  failed: number;
  avgMs: number;
  maxMs: number;
}

export interface MetricsReport {
  range: { from: number; to: number; resolutionMs: number; stepMs: number };
  totals: Totals & { running: number };
  trend: TrendPoint[];
  errors: { byCode: { code: string; count: number }[]; byNodeType: { nodeType: string; count: number }[] };
  slowestNodes: SlowNode[];
  workflows: (Totals & { project: string; workflow: string })[];
}

export interface ProjectMetrics extends Totals {
  project: string;
  running: number;
  lastRunAt: number | null;
}
