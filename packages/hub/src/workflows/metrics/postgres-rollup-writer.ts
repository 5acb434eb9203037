import type pg from 'pg';
import type { StoreBatch } from '@runtime-hub/engine';
import { foldRollups, priorLookups, type PriorState, type RollupCells } from './rollup-fold.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

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

/** Rows in one order for every writer: two hubs' or workers' transactions then take the rows' locks in the same order and never deadlock. */
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
 * Writes the rollups of a write (`rollup-fold.ts`) inside the PostgreSQL run store's transaction,
 * before its upserts: the stored state the fold needs is read in three queries, then each
 * rollup table gets one multi-row upsert. Concurrent writers add to the same bucket rows
 * atomically (the row lock of ON CONFLICT), histograms merge in SQL.
 */
export async function writePostgresRollups(client: pg.PoolClient, batches: readonly StoreBatch[]): Promise<void> {
  const lookups = priorLookups(batches);
  if (lookups.runIds.length === 0) return;
  const runs = await client.query<{ id: string; project: string; workflow: string; status: string }>(
    'SELECT id, project, workflow, status FROM wf_runs WHERE id = ANY($1)',
    [lookups.runIds],
  );
  const steps = lookups.steps.length
    ? await client.query<{ k: string; status: string | null }>(
        `SELECT concat_ws(chr(31), run_id, node_id, visit, attempt) AS k, record::json->>'status' AS status FROM wf_steps
         WHERE (run_id, node_id, visit, attempt) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]))`,
        [lookups.steps.map((s) => s.runId), lookups.steps.map((s) => s.nodeId), lookups.steps.map((s) => s.visit), lookups.steps.map((s) => s.attempt)],
      )
    : { rows: [] };
  const types = lookups.failedNodes.length
    ? await client.query<{ k: string; node_type: string }>(
        `SELECT DISTINCT ON (run_id, node_id) concat_ws(chr(31), run_id, node_id) AS k, record::json->>'nodeType' AS node_type FROM wf_steps
         WHERE (run_id, node_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [lookups.failedNodes.map(([runId]) => runId), lookups.failedNodes.map(([, nodeId]) => nodeId)],
      )
    : { rows: [] };
  const storedRuns = new Map(runs.rows.map((r) => [r.id, r]));
  const stepStatus = new Map(steps.rows.map((r) => [r.k, r.status]));
  const stepTypes = new Map(types.rows.map((r) => [r.k, r.node_type]));
  const prior: PriorState = {
    runFinished: (runId) => FINISHED.has(storedRuns.get(runId)?.status ?? ''),
    stepFinished: (s) => FINISHED.has(stepStatus.get([s.runId, s.nodeId, s.visit, s.attempt].join('\u001f')) ?? ''),
    stepType: (runId, nodeId) => stepTypes.get(`${runId}\u001f${nodeId}`),
    owner: (runId) => {
      const row = storedRuns.get(runId);
      return row ? [row.project, row.workflow] : undefined;
    },
  };
  await upsert(client, foldRollups(batches, prior));
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
