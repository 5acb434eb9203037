import type Database from 'better-sqlite3';
import type { StoreBatch } from '@runtime-hub/engine';
import type { StepRecord } from '@runtime-hub/protocol';
import type { Histogram } from './histogram.js';
import { foldRollups, type PriorState, type RollupCells } from './rollup-fold.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Writes the rollups of runs and node attempts that become finished in a write
 * (`rollup-fold.ts`) to `workflows.sqlite`. Runs inside the run store's transaction, before its
 * upserts, so it can tell a run that finishes now from one stored as finished already.
 */
export class SqliteRollupWriter {
  /** Runs' project and workflow, cached: a run's steps come in many writes. */
  private readonly owners = new Map<string, [string, string]>();
  private readonly runOwner: Database.Statement;
  private readonly runStatus: Database.Statement;
  private readonly stepStatus: Database.Statement;
  private readonly stepType: Database.Statement;
  private readonly runRow: Database.Statement;
  private readonly putRun: Database.Statement;
  private readonly putError: Database.Statement;
  private readonly putNode: Database.Statement;
  private readonly prior: PriorState;

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
    this.prior = {
      runFinished: (runId) => FINISHED.has((this.runStatus.get(runId) as string | undefined) ?? ''),
      stepFinished: (step: StepRecord) => FINISHED.has((this.stepStatus.get(step.runId, step.nodeId, step.visit, step.attempt) as string | null | undefined) ?? ''),
      stepType: (runId, nodeId) => (this.stepType.get(runId, nodeId) as string | undefined) ?? undefined,
      owner: (runId) => {
        let owner = this.owners.get(runId);
        if (!owner) {
          const row = this.runOwner.get(runId) as { project: string; workflow: string } | undefined;
          if (!row) return undefined;
          owner = [row.project, row.workflow];
          this.owners.set(runId, owner);
        }
        return owner;
      },
    };
  }

  record(batches: readonly StoreBatch[]): void {
    if (this.owners.size > 10_000) this.owners.clear();
    for (const batch of batches) for (const run of batch.runs ?? []) this.owners.set(run.id, [run.project, run.workflow]);
    this.flush(foldRollups(batches, this.prior));
  }

  private flush({ runs, errors, nodes }: RollupCells): void {
    for (const cell of runs) {
      const stored = this.runRow.get(...cell.key) as string | undefined;
      const histogram = stored ? (JSON.parse(stored) as Histogram) : {};
      for (const [bin, count] of Object.entries(cell.histogram)) histogram[Number(bin)] = (histogram[Number(bin)] ?? 0) + count;
      this.putRun.run(...cell.key, cell.succeeded, cell.failed, cell.cancelled, cell.sum, cell.max, JSON.stringify(histogram));
    }
    for (const entry of errors) this.putError.run(...entry.key, entry.count);
    for (const cell of nodes) this.putNode.run(...cell.key, cell.nodeType, cell.executions, cell.failed, cell.sum, cell.max);
  }
}
