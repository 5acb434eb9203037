import type Database from 'better-sqlite3';
import type { StoreBatch } from '@runtime-hub/engine';
import type { RunRecord, StepRecord } from '@runtime-hub/protocol';
import { binOf, type Histogram } from './histogram.js';
import { RESOLUTIONS } from './rollup-schema.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

interface RunCell {
  key: [number, number, string, string];
  succeeded: number;
  failed: number;
  cancelled: number;
  sum: number;
  max: number;
  histogram: Histogram;
}

interface NodeCell {
  key: [number, number, string, string, string];
  nodeType: string;
  executions: number;
  failed: number;
  sum: number;
  max: number;
}

/**
 * Folds runs and node attempts that become finished in a write into the rollup tables. Runs inside
 * the run store's transaction, before its upserts, so it can tell a run that finishes now from one
 * stored as finished already (written again: never counted twice). The batches of one group commit
 * are summed in memory first: one upsert per bucket and workflow, not per run.
 */
export class SqliteRollupWriter {
  private readonly owners = new Map<string, [string, string]>();
  private readonly runOwner: Database.Statement;
  private readonly runStatus: Database.Statement;
  private readonly stepStatus: Database.Statement;
  private readonly stepType: Database.Statement;
  private readonly runRow: Database.Statement;
  private readonly putRun: Database.Statement;
  private readonly putError: Database.Statement;
  private readonly putNode: Database.Statement;

  constructor(db: Database.Database) {
    this.runOwner = db.prepare('SELECT project, workflow FROM runs WHERE id = ?');
    this.runStatus = db.prepare('SELECT status FROM runs WHERE id = ?').pluck();
    this.stepStatus = db.prepare("SELECT json_extract(record, '$.status') FROM steps WHERE run_id = ? AND node_id = ? AND visit = ? AND attempt = ?").pluck();
    this.stepType = db.prepare("SELECT json_extract(record, '$.nodeType') FROM steps WHERE run_id = ? AND node_id = ? LIMIT 1").pluck();
    this.runRow = db.prepare('SELECT histogram FROM run_rollups WHERE resolution = ? AND bucket = ? AND project = ? AND workflow = ?').pluck();
    this.putRun = db.prepare(
      `INSERT INTO run_rollups (resolution, bucket, project, workflow, succeeded, failed, cancelled, duration_sum, duration_max, histogram)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (resolution, bucket, project, workflow) DO UPDATE SET
         succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, cancelled = cancelled + excluded.cancelled,
         duration_sum = duration_sum + excluded.duration_sum, duration_max = max(duration_max, excluded.duration_max),
         histogram = excluded.histogram`,
    );
    this.putError = db.prepare(
      `INSERT INTO run_error_rollups (resolution, bucket, project, workflow, code, node_type, count) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (resolution, bucket, project, workflow, code, node_type) DO UPDATE SET count = count + excluded.count`,
    );
    this.putNode = db.prepare(
      `INSERT INTO node_rollups (resolution, bucket, project, workflow, node_id, node_type, executions, failed, duration_sum, duration_max)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (resolution, bucket, project, workflow, node_id) DO UPDATE SET
         executions = executions + excluded.executions, failed = failed + excluded.failed,
         duration_sum = duration_sum + excluded.duration_sum, duration_max = max(duration_max, excluded.duration_max)`,
    );
  }

  record(batches: readonly StoreBatch[]): void {
    const runs = new Map<string, RunCell>();
    const errors = new Map<string, { key: unknown[]; count: number }>();
    const nodes = new Map<string, NodeCell>();
    const runsOfBatch = new Map<string, RunRecord>();
    const stepsSeen = new Set<string>();
    const stepTypes = new Map<string, string>();
    if (this.owners.size > 10_000) this.owners.clear();
    for (const batch of batches) {
      for (const step of batch.steps ?? []) stepTypes.set(`${step.runId}\u0000${step.nodeId}`, step.nodeType);
      for (const run of batch.runs ?? []) this.owners.set(run.id, [run.project, run.workflow]);
    }
    for (const batch of batches) {
      for (const run of batch.runs ?? []) {
        if (!FINISHED.has(run.status) || runsOfBatch.has(run.id)) continue;
        const before = this.runStatus.get(run.id) as string | undefined;
        if (before !== undefined && FINISHED.has(before)) continue;
        runsOfBatch.set(run.id, run);
      }
      for (const step of batch.steps ?? []) this.foldStep(step, stepsSeen, nodes);
    }
    for (const run of runsOfBatch.values()) this.foldRun(run, runs, errors, stepTypes);
    this.flush(runs, errors, nodes);
  }

  private foldRun(run: RunRecord, runs: Map<string, RunCell>, errors: Map<string, { key: unknown[]; count: number }>, stepTypes: Map<string, string>): void {
    const endedAt = run.endedAt ?? run.startedAt ?? run.createdAt;
    const duration = Math.max(0, endedAt - (run.startedAt ?? run.createdAt));
    const bin = binOf(duration);
    let nodeType = '(run)';
    if (run.status === 'failed' && run.error?.nodeId) {
      nodeType = stepTypes.get(`${run.id}\u0000${run.error.nodeId}`) ?? (this.stepType.get(run.id, run.error.nodeId) as string | undefined) ?? '(unknown)';
    }
    for (const resolution of RESOLUTIONS) {
      const bucket = Math.floor(endedAt / resolution) * resolution;
      const id = `${resolution}|${bucket}|${run.project}|${run.workflow}`;
      let cell = runs.get(id);
      if (!cell) {
        cell = { key: [resolution, bucket, run.project, run.workflow], succeeded: 0, failed: 0, cancelled: 0, sum: 0, max: 0, histogram: {} };
        runs.set(id, cell);
      }
      if (run.status === 'succeeded') cell.succeeded++;
      else if (run.status === 'failed') cell.failed++;
      else cell.cancelled++;
      cell.sum += duration;
      cell.max = Math.max(cell.max, duration);
      cell.histogram[bin] = (cell.histogram[bin] ?? 0) + 1;
      if (run.status === 'failed') {
        const code = run.error?.code ?? 'UNKNOWN';
        const errorId = `${id}|${code}|${nodeType}`;
        const entry = errors.get(errorId) ?? { key: [resolution, bucket, run.project, run.workflow, code, nodeType], count: 0 };
        entry.count++;
        errors.set(errorId, entry);
      }
    }
  }

  private foldStep(step: StepRecord, seen: Set<string>, nodes: Map<string, NodeCell>): void {
    if (!FINISHED.has(step.status) || step.reused || step.endedAt === undefined) return;
    const stepId = `${step.runId}\u0000${step.nodeId}\u0000${step.visit}\u0000${step.attempt}`;
    if (seen.has(stepId)) return;
    seen.add(stepId);
    const before = this.stepStatus.get(step.runId, step.nodeId, step.visit, step.attempt) as string | undefined | null;
    if (before && FINISHED.has(before)) return;
    const [project, workflow] = this.runOf(step);
    if (project === undefined || workflow === undefined) return;
    const duration = Math.max(0, step.endedAt - step.startedAt);
    for (const resolution of RESOLUTIONS) {
      const bucket = Math.floor(step.endedAt / resolution) * resolution;
      const id = `${resolution}|${bucket}|${project}|${workflow}|${step.nodeId}`;
      let cell = nodes.get(id);
      if (!cell) {
        cell = { key: [resolution, bucket, project, workflow, step.nodeId], nodeType: step.nodeType, executions: 0, failed: 0, sum: 0, max: 0 };
        nodes.set(id, cell);
      }
      cell.executions++;
      if (step.status === 'failed') cell.failed++;
      cell.sum += duration;
      cell.max = Math.max(cell.max, duration);
    }
  }

  /** Steps carry no project: it comes from their run, in this write or stored (cached: a run's steps come in many writes). */
  private runOf(step: StepRecord): [string | undefined, string | undefined] {
    let owner = this.owners.get(step.runId);
    if (!owner) {
      const row = this.runOwner.get(step.runId) as { project: string; workflow: string } | undefined;
      if (!row) return [undefined, undefined];
      owner = [row.project, row.workflow];
      this.owners.set(step.runId, owner);
    }
    return owner;
  }

  private flush(runs: Map<string, RunCell>, errors: Map<string, { key: unknown[]; count: number }>, nodes: Map<string, NodeCell>): void {
    for (const cell of runs.values()) {
      const stored = this.runRow.get(...cell.key) as string | undefined;
      const histogram = stored ? (JSON.parse(stored) as Histogram) : {};
      for (const [bin, count] of Object.entries(cell.histogram)) histogram[Number(bin)] = (histogram[Number(bin)] ?? 0) + count;
      this.putRun.run(...cell.key, cell.succeeded, cell.failed, cell.cancelled, cell.sum, cell.max, JSON.stringify(histogram));
    }
    for (const entry of errors.values()) this.putError.run(...entry.key, entry.count);
    for (const cell of nodes.values()) this.putNode.run(...cell.key, cell.nodeType, cell.executions, cell.failed, cell.sum, cell.max);
  }
}
