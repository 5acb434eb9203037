/**
 * The schema of `<dataDir>/workflows.sqlite`: durable engine state, kept apart from the span
 * database so that span retention and workflow history have separate lives. Runs and steps are
 * stored as whole JSON records plus the columns queries filter and sort on.
 */
export const WORKFLOW_SCHEMA_VERSION = 1;

export const WORKFLOW_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  workflow TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at REAL NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (project, workflow, created_at DESC, id DESC);
-- Only unfinished runs (what a restart resumes): a run that starts and finishes within one
-- commit never touches this index.
CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (created_at, id) WHERE status IN ('queued', 'running', 'waiting');

CREATE TABLE IF NOT EXISTS steps (
  run_id TEXT NOT NULL,
  node_id TEXT NOT NULL,
  visit INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (run_id, node_id, visit, attempt)
) WITHOUT ROWID;

-- Finished runs whose spans may not have reached the span store yet (written with the run's last
-- commit, deleted once ingest confirms them): a restart after a crash re-emits their spans.
CREATE TABLE IF NOT EXISTS span_debts (run_id TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS schedules (
  project TEXT NOT NULL,
  workflow TEXT NOT NULL,
  paused INTEGER NOT NULL,
  last_fire_at REAL,
  PRIMARY KEY (project, workflow)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS workflow_versions (
  project TEXT NOT NULL,
  workflow TEXT NOT NULL,
  version INTEGER NOT NULL,
  saved_at REAL NOT NULL,
  definition TEXT NOT NULL,
  PRIMARY KEY (project, workflow, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS secrets (
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  iv BLOB NOT NULL,
  tag BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (project, name)
) WITHOUT ROWID;
`;
