/**
 * SQLite schema. `seq` is the change sequence: every write of a span gives it the next number, so
 * live clients can resume "after" the last change they saw. `traces` is maintained on write so the
 * trace list never groups the spans table; counts and usage are aggregated per page on read, which
 * keeps them exact whatever order start and end records arrive in.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS spans (
  id INTEGER PRIMARY KEY,
  span_id TEXT NOT NULL UNIQUE,
  trace_id TEXT NOT NULL,
  parent_span_id TEXT,
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_time REAL NOT NULL,
  end_time REAL,
  status TEXT NOT NULL,
  session_id TEXT,
  input TEXT,
  output TEXT,
  error TEXT,
  attributes TEXT,
  events TEXT,
  error_group TEXT,
  model TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost_usd REAL,
  seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS spans_trace ON spans (trace_id, start_time);
CREATE INDEX IF NOT EXISTS spans_start ON spans (start_time);
CREATE INDEX IF NOT EXISTS spans_service ON spans (service, start_time);
CREATE INDEX IF NOT EXISTS spans_session ON spans (session_id, start_time) WHERE session_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_errors ON spans (error_group, start_time) WHERE status = 'error';
CREATE INDEX IF NOT EXISTS spans_seq ON spans (seq);
-- Covers the per-service usage totals; holds only spans that count tokens (LLM calls).
CREATE INDEX IF NOT EXISTS spans_usage ON spans (service, input_tokens, output_tokens, cost_usd)
  WHERE input_tokens IS NOT NULL OR output_tokens IS NOT NULL;

CREATE TABLE IF NOT EXISTS traces (
  trace_id TEXT PRIMARY KEY,
  root_span_id TEXT,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  session_id TEXT,
  start_time REAL NOT NULL,
  end_time REAL,
  root_end_time REAL,
  root_status TEXT,
  has_error INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS traces_start ON traces (start_time);
CREATE INDEX IF NOT EXISTS traces_service ON traces (service, start_time);
CREATE INDEX IF NOT EXISTS traces_session ON traces (session_id, start_time) WHERE session_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS services (
  service TEXT PRIMARY KEY,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS instances (
  service TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  pid INTEGER,
  host TEXT,
  language TEXT,
  runtime_version TEXT,
  sdk TEXT,
  dropped TEXT,
  last_seen REAL NOT NULL,
  PRIMARY KEY (service, instance_id)
);

-- Bookmarks and notes people put on spans (store/annotations.ts). AUTOINCREMENT: a deleted id is
-- never handed out again, so a client holding it cannot delete someone else's note by mistake.
CREATE TABLE IF NOT EXISTS annotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  span_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT,
  text TEXT,
  score REAL,
  created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS annotations_span ON annotations (span_id);
CREATE INDEX IF NOT EXISTS annotations_trace ON annotations (trace_id);
`;
