import type pg from 'pg';
import { inTransaction } from '../../store/postgres/pool.js';
import { coalescedAfterCall } from '../coalesced.js';
import { mergeRollupCells, type RollupCells } from './rollup-fold.js';

/** Deltas moved per fold transaction. */
const FOLD_PAGE = 2_000;
/** After an append, the fold waits this long: one fold then takes every delta of that time. */
const FOLD_DELAY_MS = 500;

const PUT_RUNS = `INSERT INTO wf_run_rollups AS r (resolution, bucket, project, workflow, succeeded, failed, cancelled, duration_sum, duration_max, histogram)
  SELECT * FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::float8[], $9::float8[], $10::jsonb[])
  ON CONFLICT (resolution, bucket, project, workflow) DO UPDATE SET
    succeeded = r.succeeded + excluded.succeeded, failed = r.failed + excluded.failed, cancelled = r.cancelled + excluded.cancelled,
    duration_sum = r.duration_sum + excluded.duration_sum, duration_max = greatest(r.duration_max, excluded.duration_max),
    histogram = (SELECT jsonb_object_agg(bin, n) FROM (
      SELECT bin, SUM(count::int) AS n FROM (SELECT * FROM jsonb_each_text(r.histogram) UNION ALL SELECT * FROM jsonb_each_text(excluded.histogram)) AS e (bin, count)
      GROUP BY bin) AS merged)`;
const PUT_ERRORS = `INSERT INTO wf_run_error_rollups AS r (resolution, bucket, project, workflow, code, node_type, count)
  SELECT * FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])
  ON CONFLICT (resolution, bucket, project, workflow, code, node_type) DO UPDATE SET count = r.count + excluded.count`;
const PUT_NODES = `INSERT INTO wf_node_rollups AS r (resolution, bucket, project, workflow, node_id, node_type, executions, failed, duration_sum, duration_max)
  SELECT * FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::float8[], $10::float8[])
  ON CONFLICT (resolution, bucket, project, workflow, node_id) DO UPDATE SET
    executions = r.executions + excluded.executions, failed = r.failed + excluded.failed,
    duration_sum = r.duration_sum + excluded.duration_sum, duration_max = greatest(r.duration_max, excluded.duration_max)`;

/** Rows in one order for every writer: two folds then take the rows' locks in the same order and never deadlock. */
function byKey<T extends { key: readonly (string | number)[] }>(cells: T[]): T[] {
  const compare = (a: T, b: T): number => {
    for (let i = 0; i < a.key.length; i++) {
      const x = a.key[i]!;
      const y = b.key[i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
  return cells.sort(compare);
}

const column = <T extends { key: readonly unknown[] }>(cells: T[], i: number) => cells.map((c) => c.key[i]);

/**
 * Run rollups on PostgreSQL as an append-only log folded later. The run store's transaction only
 * appends its delta (`wf_rollup_log`: one row, no lock another transaction waits for), so workers
 * finishing runs of one workflow in the same minute no longer take that minute's rollup rows'
 * locks one after another until their COMMITs. A fold deletes deltas and adds their sums to the
 * rollup tables in one transaction, so every delta counts once, whoever folds: each process folds
 * shortly after it appended, and a reader folds before it reads, so a report counts every run
 * committed before it was asked for. Deltas a killed process left are folded by the next one.
 */
export class PostgresRollupLog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Inside the run store's transaction: the cells of its finishing runs and steps. */
  async append(client: pg.PoolClient, cells: RollupCells): Promise<void> {
    if (cells.runs.length + cells.errors.length + cells.nodes.length === 0) return;
    await client.query('INSERT INTO wf_rollup_log (cells) VALUES ($1)', [JSON.stringify(cells)]);
    this.foldSoon();
  }

  private foldSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A pool closed meanwhile (shutdown): the deltas stay for the next fold, by any process.
      if (!(this.pool as pg.Pool & { ending?: boolean }).ending) void this.fold().catch(this.onError);
    }, FOLD_DELAY_MS);
    this.timer.unref();
  }

  /**
   * Folds every delta committed before the call. One fold at a time per process; a call while
   * one runs gets the next one (the running fold may have begun before the caller's deltas).
   */
  readonly fold = coalescedAfterCall(() => this.foldAll());

  private async foldAll(): Promise<void> {
    while ((await this.foldPage()) === FOLD_PAGE);
  }

  /**
   * One transaction: the oldest deltas deleted (locked in id order: a concurrent fold waits for
   * them and then finds them gone, never counts them again) and their merged sums upserted.
   */
  private foldPage(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ cells: RollupCells }>(
        'DELETE FROM wf_rollup_log WHERE id IN (SELECT id FROM wf_rollup_log ORDER BY id LIMIT $1 FOR UPDATE) RETURNING cells',
        [FOLD_PAGE],
      );
      if (rows.length > 0) await upsert(client, mergeRollupCells(rows.map((r) => r.cells)));
      return rows.length;
    });
  }
}

async function upsert(client: pg.PoolClient, cells: RollupCells): Promise<void> {
  const runs = byKey(cells.runs);
  if (runs.length > 0) {
    await client.query(PUT_RUNS, [
      ...[0, 1, 2, 3].map((i) => column(runs, i)),
      runs.map((c) => c.succeeded),
      runs.map((c) => c.failed),
      runs.map((c) => c.cancelled),
      runs.map((c) => c.sum),
      runs.map((c) => c.max),
      runs.map((c) => JSON.stringify(c.histogram)),
    ]);
  }
  const errors = byKey(cells.errors);
  if (errors.length > 0) await client.query(PUT_ERRORS, [...[0, 1, 2, 3, 4, 5].map((i) => column(errors, i)), errors.map((c) => c.count)]);
  const nodes = byKey(cells.nodes);
  if (nodes.length > 0) {
    await client.query(PUT_NODES, [
      ...[0, 1, 2, 3, 4].map((i) => column(nodes, i)),
      nodes.map((c) => c.nodeType),
      nodes.map((c) => c.executions),
      nodes.map((c) => c.failed),
      nodes.map((c) => c.sum),
      nodes.map((c) => c.max),
    ]);
  }
}
