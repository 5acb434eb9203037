import type pg from 'pg';
import { compareSteps, decodeRunCursor, encodeRunCursor } from '@runtime-hub/engine';
import type { RunQuery, RunStore, ScheduleState, StoreBatch, WorkflowVersionRecord } from '@runtime-hub/engine';
import type { RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { openMigratedPool } from '../../store/postgres/migrate.js';
import { inTransaction } from '../../store/postgres/pool.js';
import { numbered, Where } from '../../store/postgres/where.js';

/** An engine batch, or span debts being settled (see {@link PostgresRunStore.spansDelivered}). */
type Batch = StoreBatch & { delivered?: readonly string[] };

const UPSERT_RUNS = `INSERT INTO wf_runs (id, project, workflow, status, created_at, record)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[])
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`;
const UPSERT_STEPS = `INSERT INTO wf_steps (run_id, node_id, visit, attempt, record)
  SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[])
  ON CONFLICT (run_id, node_id, visit, attempt) DO UPDATE SET record = excluded.record`;

/**
 * The engine's {@link RunStore} on PostgreSQL (scaled mode): the same tables as the SQLite run
 * store (prefixed `wf_`, migrations.ts), the same shared conformance suite. Group commit as in
 * SQLite: the batches of one event-loop turn go in one transaction, each promise resolving once
 * it committed. Every record is an upsert of the whole row, so a batch written twice (a worker
 * retrying after a lost reply) leaves the same state.
 */
export class PostgresRunStore implements RunStore {
  private pending: { batch: Batch; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushScheduled = false;
  /**
   * Called inside each write transaction before its upserts: run metrics fold finished runs there
   * (metrics/postgres-rollup-writer.ts). Under a savepoint: a failure undoes only its own writes
   * and goes to `onWriteError`, never stops runs from being stored.
   */
  onWrite: ((client: pg.PoolClient, batches: readonly StoreBatch[]) => Promise<void>) | undefined;
  onWriteError: (error: unknown) => void = () => undefined;

  private constructor(
    readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {}

  /** On its own pool (migrated at open), or on the span store's pool when given one. */
  static async open(options: { url: string } | { pool: pg.Pool }): Promise<PostgresRunStore> {
    if ('pool' in options) return new PostgresRunStore(options.pool, false);
    return new PostgresRunStore(await openMigratedPool(options.url, { max: 5, applicationName: 'runtime-hub runs' }), true);
  }

  commit(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    try {
      await inTransaction(this.pool, async (client) => {
        if (this.onWrite) await this.underSavepoint(client, this.onWrite, pending.map((p) => p.batch));
        for (const { batch } of pending) await writeBatch(client, batch);
      });
    } catch (error) {
      for (const p of pending) p.reject(error);
      return;
    }
    for (const p of pending) p.resolve();
  }

  private async underSavepoint(client: pg.PoolClient, work: NonNullable<PostgresRunStore['onWrite']>, batches: readonly Batch[]): Promise<void> {
    await client.query('SAVEPOINT on_write');
    try {
      await work(client, batches);
      await client.query('RELEASE SAVEPOINT on_write');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT on_write');
      this.onWriteError(error);
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query<{ record: string }>('SELECT record FROM wf_runs WHERE id = $1', [runId]);
    return rows[0] ? (JSON.parse(rows[0].record) as RunRecord) : undefined;
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>('SELECT record FROM wf_steps WHERE run_id = $1', [runId]);
    return rows.map((r) => JSON.parse(r.record) as StepRecord).sort(compareSteps);
  }

  async listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const where = new Where();
    if (query.project !== undefined) where.add('project = ?', query.project);
    if (query.workflow !== undefined) where.add('workflow = ?', query.workflow);
    if (query.status !== undefined) where.add('status = ?', query.status);
    const after = query.cursor ? decodeRunCursor(query.cursor) : undefined;
    if (after) where.add('(created_at, id) < (?, ?)', after.createdAt, after.id);
    const sql = numbered(`SELECT record FROM wf_runs ${where.toSql()} ORDER BY created_at DESC, id DESC LIMIT ?`);
    const { rows } = await this.pool.query<{ record: string }>(sql, [...where.params, query.limit + 1]);
    const runs = rows.slice(0, query.limit).map((r) => JSON.parse(r.record) as RunRecord);
    const last = runs.at(-1);
    return rows.length > query.limit && last ? { runs, nextCursor: encodeRunCursor(last) } : { runs };
  }

  async listUnfinishedRuns(): Promise<RunRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      "SELECT record FROM wf_runs WHERE status IN ('queued', 'running', 'waiting') ORDER BY created_at, id",
    );
    return rows.map((r) => JSON.parse(r.record) as RunRecord);
  }

  async listRunsOwingSpans(): Promise<RunRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT r.record FROM wf_span_debts d JOIN wf_runs r ON r.id = d.run_id ORDER BY r.created_at, r.id',
    );
    return rows.map((r) => JSON.parse(r.record) as RunRecord);
  }

  /** Group-committed with the next batches. */
  spansDelivered(runIds: readonly string[]): Promise<void> {
    return runIds.length === 0 ? Promise.resolve() : this.commit({ delivered: runIds });
  }

  async getSchedule(project: string, workflow: string): Promise<ScheduleState | undefined> {
    const { rows } = await this.pool.query<{ paused: boolean; last_fire_at: number | null }>(
      'SELECT paused, last_fire_at FROM wf_schedules WHERE project = $1 AND workflow = $2',
      [project, workflow],
    );
    const row = rows[0];
    if (!row) return undefined;
    const state: ScheduleState = { project, workflow, paused: row.paused };
    if (row.last_fire_at !== null) state.lastFireAt = row.last_fire_at;
    return state;
  }

  async putSchedule(state: ScheduleState): Promise<void> {
    await this.pool.query(
      `INSERT INTO wf_schedules (project, workflow, paused, last_fire_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (project, workflow) DO UPDATE SET paused = excluded.paused, last_fire_at = excluded.last_fire_at`,
      [state.project, state.workflow, state.paused, state.lastFireAt ?? null],
    );
  }

  async putWorkflowVersion(record: WorkflowVersionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO wf_versions (project, workflow, version, saved_at, definition) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (project, workflow, version) DO UPDATE SET saved_at = excluded.saved_at, definition = excluded.definition`,
      [record.project, record.workflow, record.version, record.savedAt, JSON.stringify(record.definition)],
    );
  }

  async getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowVersionRecord | undefined> {
    const { rows } = await this.pool.query<{ saved_at: number; definition: string }>(
      'SELECT saved_at, definition FROM wf_versions WHERE project = $1 AND workflow = $2 AND version = $3',
      [project, workflow, version],
    );
    const row = rows[0];
    return row ? { project, workflow, version, savedAt: row.saved_at, definition: JSON.parse(row.definition) as WorkflowDefinition } : undefined;
  }

  /** The highest stored version of a workflow (0 when none). */
  async latestVersion(project: string, workflow: string): Promise<number> {
    const { rows } = await this.pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM wf_versions WHERE project = $1 AND workflow = $2', [project, workflow]);
    return rows[0]?.v ?? 0;
  }

  /** Forgets the schedule state of a deleted workflow or project. */
  async deleteSchedules(project: string, workflow?: string): Promise<void> {
    if (workflow === undefined) await this.pool.query('DELETE FROM wf_schedules WHERE project = $1', [project]);
    else await this.pool.query('DELETE FROM wf_schedules WHERE project = $1 AND workflow = $2', [project, workflow]);
  }

  /**
   * Deletes finished runs created before `before` (epoch ms) with their steps and span debts, up
   * to `limit` in one transaction; unfinished runs are kept whatever their age. Returns how many
   * runs went (call again until 0), as SqliteRunStore.pruneFinishedRuns does.
   */
  async pruneFinishedRuns(before: number, limit = 10_000): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `DELETE FROM wf_runs WHERE id IN (SELECT id FROM wf_runs WHERE created_at < $1 AND status IN ('succeeded', 'failed', 'cancelled')
           ORDER BY created_at LIMIT $2) RETURNING id`,
        [before, limit],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await client.query('DELETE FROM wf_steps WHERE run_id = ANY($1)', [ids]);
        await client.query('DELETE FROM wf_span_debts WHERE run_id = ANY($1)', [ids]);
      }
      return ids.length;
    });
  }

  private closed = false;

  async close(): Promise<void> {
    await this.flush();
    if (this.ownsPool && !this.closed) await this.pool.end();
    this.closed = true;
  }
}

/** One engine batch inside the group's transaction, in the order the engine wrote it. */
async function writeBatch(client: pg.PoolClient, batch: Batch): Promise<void> {
  // One statement may touch a row once: the last record of a run (or step) in the batch wins, as
  // it would writing them one by one.
  const runs = [...new Map((batch.runs ?? []).map((run) => [run.id, run])).values()];
  if (runs.length > 0) {
    await client.query(UPSERT_RUNS, [
      runs.map((r) => r.id),
      runs.map((r) => r.project),
      runs.map((r) => r.workflow),
      runs.map((r) => r.status),
      runs.map((r) => r.createdAt),
      runs.map((r) => JSON.stringify(r)),
    ]);
  }
  const steps = [...new Map((batch.steps ?? []).map((s) => [`${s.runId}\n${s.nodeId}\n${s.visit}\n${s.attempt}`, s])).values()];
  if (steps.length > 0) {
    await client.query(UPSERT_STEPS, [
      steps.map((s) => s.runId),
      steps.map((s) => s.nodeId),
      steps.map((s) => s.visit),
      steps.map((s) => s.attempt),
      steps.map((s) => JSON.stringify(s)),
    ]);
  }
  if (batch.owingSpans?.length) {
    await client.query('INSERT INTO wf_span_debts (run_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [batch.owingSpans]);
  }
  if (batch.delivered?.length) await client.query('DELETE FROM wf_span_debts WHERE run_id = ANY($1)', [batch.delivered]);
}
