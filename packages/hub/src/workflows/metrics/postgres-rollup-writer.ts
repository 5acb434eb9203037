import type pg from 'pg';
import type { StoreBatch } from '@runtime-hub/engine';
import type { PostgresRollupLog } from './postgres-rollup-log.js';
import { foldRollups, priorLookups, type PriorState } from './rollup-fold.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * What the fold asks of the stored rows, in one round trip: the runs (finished already? whose?),
 * the steps' statuses, and the node type of each node a failed run failed on.
 */
const PRIOR = `SELECT 'run' AS t, id AS k, project, workflow, status AS v FROM wf_runs WHERE id = ANY($1)
UNION ALL
SELECT 'step', concat_ws(chr(31), run_id, node_id, visit, attempt), NULL, NULL, record::json->>'status' FROM wf_steps
  WHERE (run_id, node_id, visit, attempt) IN (SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]))
UNION ALL
SELECT * FROM (
  SELECT DISTINCT ON (run_id, node_id) 'type', concat_ws(chr(31), run_id, node_id), NULL, NULL, record::json->>'nodeType' FROM wf_steps
  WHERE (run_id, node_id) IN (SELECT * FROM unnest($6::text[], $7::text[]))) AS failed_on`;

/**
 * Records the rollups of a write (`rollup-fold.ts`) inside the PostgreSQL run store's transaction,
 * before its upserts: the stored state the fold needs is read in one query, then the
 * cells are appended to `wf_rollup_log` as one row (`postgres-rollup-log.ts`). Appending takes no
 * lock another writer waits for; the rollup rows of one workflow and minute, which every worker's
 * transaction used to upsert and hold locked until COMMIT, are added to later by a fold.
 */
export async function writePostgresRollups(client: pg.PoolClient, batches: readonly StoreBatch[], log: PostgresRollupLog): Promise<void> {
  const lookups = priorLookups(batches);
  if (lookups.runIds.length === 0) return;
  const { rows } = await client.query<{ t: 'run' | 'step' | 'type'; k: string; project: string | null; workflow: string | null; v: string | null }>(PRIOR, [
    lookups.runIds,
    lookups.steps.map((s) => s.runId),
    lookups.steps.map((s) => s.nodeId),
    lookups.steps.map((s) => s.visit),
    lookups.steps.map((s) => s.attempt),
    lookups.failedNodes.map(([runId]) => runId),
    lookups.failedNodes.map(([, nodeId]) => nodeId),
  ]);
  const storedRuns = new Map<string, { project: string; workflow: string; status: string }>();
  const stepStatus = new Map<string, string | null>();
  const stepTypes = new Map<string, string | null>();
  for (const row of rows) {
    if (row.t === 'run') storedRuns.set(row.k, { project: row.project!, workflow: row.workflow!, status: row.v ?? '' });
    else (row.t === 'step' ? stepStatus : stepTypes).set(row.k, row.v);
  }
  const prior: PriorState = {
    runFinished: (runId) => FINISHED.has(storedRuns.get(runId)?.status ?? ''),
    stepFinished: (s) => FINISHED.has(stepStatus.get([s.runId, s.nodeId, s.visit, s.attempt].join('\u001f')) ?? ''),
    stepType: (runId, nodeId) => stepTypes.get(`${runId}\u001f${nodeId}`) ?? undefined,
    owner: (runId) => {
      const row = storedRuns.get(runId);
      return row ? [row.project, row.workflow] : undefined;
    },
  };
  await log.append(client, foldRollups(batches, prior));
}
