import type pg from 'pg';
import type { StoreBatch } from '@runtime-hub/engine';
import type { PostgresRollupLog } from './postgres-rollup-log.js';
import { foldRollups, priorLookups, type PriorState } from './rollup-fold.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Records the rollups of a write (`rollup-fold.ts`) inside the PostgreSQL run store's transaction,
 * before its upserts: the stored state the fold needs is read in up to three queries, then the
 * cells are appended to `wf_rollup_log` as one row (`postgres-rollup-log.ts`). Appending takes no
 * lock another writer waits for; the rollup rows of one workflow and minute, which every worker's
 * transaction used to upsert and hold locked until COMMIT, are added to later by a fold.
 */
export async function writePostgresRollups(client: pg.PoolClient, batches: readonly StoreBatch[], log: PostgresRollupLog): Promise<void> {
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
  await log.append(client, foldRollups(batches, prior));
}
