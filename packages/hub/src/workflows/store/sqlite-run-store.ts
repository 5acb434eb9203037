import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { compareSteps, decodeRunCursor, encodeRunCursor } from '@runtime-hub/engine';
import type { RunQuery, RunStore, ScheduleState, StoreBatch, WorkflowVersionRecord } from '@runtime-hub/engine';
import type { RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { Checkpointer } from '../../store/sqlite/checkpointer.js';
import { WORKFLOW_SCHEMA, WORKFLOW_SCHEMA_VERSION } from './schema.js';

/** An engine batch, or span debts being settled (see {@link SqliteRunStore.spansDelivered}). */
type Batch = StoreBatch & { delivered?: readonly string[] };

/**
 * The engine's {@link RunStore} on SQLite (WAL, synchronous=NORMAL: a committed transaction
 * survives a crash of the hub process). Each engine commit is one transaction. The same
 * database file holds the encrypted secrets (see secret-vault.ts).
 */
export class SqliteRunStore implements RunStore {
  readonly db: Database.Database;
  private readonly upsertRun: Database.Statement;
  private readonly upsertStep: Database.Statement;
  private readonly selectRun: Database.Statement;
  private readonly selectSteps: Database.Statement;
  private readonly insertDebt: Database.Statement;
  private readonly deleteDebt: Database.Statement;
  private readonly writeBatches: Database.Transaction<(batches: readonly Batch[]) => void>;
  private pending: { batch: Batch; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushScheduled = false;
  private readonly checkpointer: Checkpointer | undefined;
  /** Called inside each write transaction before its upserts: run metrics fold finished runs there (metrics/). */
  onWrite: ((batches: readonly StoreBatch[]) => void) | undefined;

  constructor(file: string, options: { backgroundCheckpoints?: boolean } = {}) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -32768');
    // Checkpoints (and their fsync) run on a background thread, as for the span store; the
    // writer's own auto-checkpoint is only a safety net.
    this.db.pragma('wal_autocheckpoint = 50000');
    this.db.pragma('journal_size_limit = 67108864');
    this.db.exec(WORKFLOW_SCHEMA);
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(WORKFLOW_SCHEMA_VERSION));
    this.upsertRun = this.db.prepare(
      `INSERT INTO runs (id, project, workflow, status, created_at, record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
    );
    this.upsertStep = this.db.prepare(
      `INSERT INTO steps (run_id, node_id, visit, attempt, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, node_id, visit, attempt) DO UPDATE SET record = excluded.record`,
    );
    this.selectRun = this.db.prepare('SELECT record FROM runs WHERE id = ?').pluck();
    this.selectSteps = this.db.prepare('SELECT record FROM steps WHERE run_id = ?').pluck();
    this.insertDebt = this.db.prepare('INSERT OR IGNORE INTO span_debts (run_id) VALUES (?)');
    this.deleteDebt = this.db.prepare('DELETE FROM span_debts WHERE run_id = ?');
    this.checkpointer = options.backgroundCheckpoints === false ? undefined : new Checkpointer(file);
    this.writeBatches = this.db.transaction((batches: readonly Batch[]) => {
      this.onWrite?.(batches);
      for (const batch of batches) {
        for (const run of batch.runs ?? []) this.upsertRun.run(run.id, run.project, run.workflow, run.status, run.createdAt, JSON.stringify(run));
        for (const step of batch.steps ?? []) this.upsertStep.run(step.runId, step.nodeId, step.visit, step.attempt, JSON.stringify(step));
        for (const runId of batch.owingSpans ?? []) this.insertDebt.run(runId);
        for (const runId of batch.delivered ?? []) this.deleteDebt.run(runId);
      }
    });
  }

  /**
   * Group commit: the batches of one event-loop turn (many runs' waves under load) are written
   * in one transaction, and each promise resolves once that transaction is committed.
   */
  commit(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    try {
      // IMMEDIATE: the write lock is taken (or waited for, busy_timeout) at BEGIN. A deferred
      // transaction starting with the rollups' reads could not upgrade to a write while another
      // process (a worker sharing the data folder) had written meanwhile: SQLITE_BUSY at once.
      this.writeBatches.immediate(pending.map((p) => p.batch));
    } catch (error) {
      for (const p of pending) p.reject(error);
      return;
    }
    for (const p of pending) p.resolve();
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    const record = this.selectRun.get(runId) as string | undefined;
    return Promise.resolve(record === undefined ? undefined : (JSON.parse(record) as RunRecord));
  }

  listSteps(runId: string): Promise<StepRecord[]> {
    const rows = this.selectSteps.all(runId) as string[];
    return Promise.resolve(rows.map((r) => JSON.parse(r) as StepRecord).sort(compareSteps));
  }

  listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.project !== undefined) filter('project = ?', query.project);
    if (query.workflow !== undefined) filter('workflow = ?', query.workflow);
    if (query.status !== undefined) filter('status = ?', query.status);
    const after = query.cursor ? decodeRunCursor(query.cursor) : undefined;
    if (after) filter('(created_at < ? OR (created_at = ? AND id < ?))', after.createdAt, after.createdAt, after.id);
    const sql = `SELECT record FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).pluck().all(...params, query.limit + 1) as string[];
    const runs = rows.slice(0, query.limit).map((r) => JSON.parse(r) as RunRecord);
    const last = runs.at(-1);
    return Promise.resolve(rows.length > query.limit && last ? { runs, nextCursor: encodeRunCursor(last) } : { runs });
  }

  listRunsOwingSpans(): Promise<RunRecord[]> {
    const rows = this.db.prepare('SELECT r.record FROM span_debts d JOIN runs r ON r.id = d.run_id ORDER BY r.created_at, r.id').pluck().all() as string[];
    return Promise.resolve(rows.map((r) => JSON.parse(r) as RunRecord));
  }

  /** Group-committed with the next batches (no transaction of its own under load). */
  spansDelivered(runIds: readonly string[]): Promise<void> {
    return runIds.length === 0 ? Promise.resolve() : this.commit({ delivered: runIds });
  }

  listUnfinishedRuns(): Promise<RunRecord[]> {
    const rows = this.db
      .prepare("SELECT record FROM runs WHERE status IN ('queued', 'running', 'waiting') ORDER BY created_at, id")
      .pluck()
      .all() as string[];
    return Promise.resolve(rows.map((r) => JSON.parse(r) as RunRecord));
  }

  getSchedule(project: string, workflow: string): Promise<ScheduleState | undefined> {
    const row = this.db.prepare('SELECT paused, last_fire_at FROM schedules WHERE project = ? AND workflow = ?').get(project, workflow) as
      | { paused: number; last_fire_at: number | null }
      | undefined;
    if (!row) return Promise.resolve(undefined);
    const state: ScheduleState = { project, workflow, paused: row.paused === 1 };
    if (row.last_fire_at !== null) state.lastFireAt = row.last_fire_at;
    return Promise.resolve(state);
  }

  putSchedule(state: ScheduleState): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO schedules (project, workflow, paused, last_fire_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (project, workflow) DO UPDATE SET paused = excluded.paused, last_fire_at = excluded.last_fire_at`,
      )
      .run(state.project, state.workflow, state.paused ? 1 : 0, state.lastFireAt ?? null);
    return Promise.resolve();
  }

  /** Forgets the schedule state of a deleted workflow or project. */
  deleteSchedules(project: string, workflow?: string): void {
    if (workflow === undefined) this.db.prepare('DELETE FROM schedules WHERE project = ?').run(project);
    else this.db.prepare('DELETE FROM schedules WHERE project = ? AND workflow = ?').run(project, workflow);
  }

  putWorkflowVersion(record: WorkflowVersionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO workflow_versions (project, workflow, version, saved_at, definition) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (project, workflow, version) DO UPDATE SET saved_at = excluded.saved_at, definition = excluded.definition`,
      )
      .run(record.project, record.workflow, record.version, record.savedAt, JSON.stringify(record.definition));
    return Promise.resolve();
  }

  getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowVersionRecord | undefined> {
    const row = this.db
      .prepare('SELECT saved_at, definition FROM workflow_versions WHERE project = ? AND workflow = ? AND version = ?')
      .get(project, workflow, version) as { saved_at: number; definition: string } | undefined;
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve({ project, workflow, version, savedAt: row.saved_at, definition: JSON.parse(row.definition) as WorkflowDefinition });
  }

  /**
   * Deletes finished runs created before `before` (epoch ms) with their steps; unfinished runs
   * are kept whatever their age. Returns how many runs went.
   */
  pruneFinishedRuns(before: number, limit = 10_000): number {
    const prune = this.db.transaction(() => {
      const ids = this.db
        .prepare("SELECT id FROM runs WHERE created_at < ? AND status IN ('succeeded', 'failed', 'cancelled') ORDER BY created_at LIMIT ?")
        .pluck()
        .all(before, limit) as string[];
      const deleteSteps = this.db.prepare('DELETE FROM steps WHERE run_id = ?');
      const deleteRun = this.db.prepare('DELETE FROM runs WHERE id = ?');
      for (const id of ids) {
        this.deleteDebt.run(id);
        deleteSteps.run(id);
        deleteRun.run(id);
      }
      return ids.length;
    });
    return prune();
  }

  /** The highest stored version of a workflow (0 when none). */
  latestVersion(project: string, workflow: string): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM workflow_versions WHERE project = ? AND workflow = ?').get(project, workflow) as { v: number | null };
    return row.v ?? 0;
  }

  async close(): Promise<void> {
    this.flush();
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
