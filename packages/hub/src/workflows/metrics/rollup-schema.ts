/**
 * Rollup tables of finished runs in `workflows.sqlite`, one row per bucket (minute, hour and
 * day resolutions, UTC) and workflow. Written in the transaction that stores a run as finished
 * (`sqlite-rollup-writer.ts`), read by the metrics API (`sqlite-metrics-reader.ts`).
 */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const RESOLUTIONS = [MINUTE, HOUR, DAY] as const;

export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS run_rollups (
  resolution INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  project TEXT NOT NULL,
  workflow TEXT NOT NULL,
  succeeded INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  cancelled INTEGER NOT NULL,
  duration_sum REAL NOT NULL,
  duration_max REAL NOT NULL,
  -- Sparse log-scale histogram of run durations as JSON { bin: count } (histogram.ts).
  histogram TEXT NOT NULL,
  PRIMARY KEY (resolution, bucket, project, workflow)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS run_error_rollups (
  resolution INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  project TEXT NOT NULL,
  workflow TEXT NOT NULL,
  code TEXT NOT NULL,
  node_type TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (resolution, bucket, project, workflow, code, node_type)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS node_rollups (
  resolution INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  project TEXT NOT NULL,
  workflow TEXT NOT NULL,
  node_id TEXT NOT NULL,
  node_type TEXT NOT NULL,
  executions INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  duration_sum REAL NOT NULL,
  duration_max REAL NOT NULL,
  PRIMARY KEY (resolution, bucket, project, workflow, node_id)
) WITHOUT ROWID;
`;
