import { PostgresRunStore } from '../store/postgres-run-store.js';
import type { SqliteRunStore } from '../store/sqlite-run-store.js';
import { PostgresRollupLog } from './postgres-rollup-log.js';
import { writePostgresRollups } from './postgres-rollup-writer.js';
import { PostgresRunMetrics } from './postgres-run-metrics.js';
import type { RunMetricsStore } from './run-metrics.js';
import { SqliteRunMetrics } from './sqlite-run-metrics.js';

/**
 * Makes a run store record run metrics in each write transaction (before its upserts, so a run
 * is counted once, when it is stored as finished) and returns their reader. A failure to
 * record goes to `onError` and never stops runs from being stored.
 */
export function attachRunMetrics(store: SqliteRunStore | PostgresRunStore, onError: (error: unknown) => void = () => undefined): RunMetricsStore {
  if (store instanceof PostgresRunStore) {
    const log = new PostgresRollupLog(store.pool, onError);
    store.onWrite = (client, batches) => writePostgresRollups(client, batches, log);
    store.onWriteError = onError;
    return new PostgresRunMetrics(store.pool, log);
  }
  const metrics = new SqliteRunMetrics(store.db, onError);
  store.onWrite = (batches) => metrics.record(batches);
  return metrics;
}
