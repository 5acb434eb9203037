/**
 * The PostgreSQL schema as an ordered list of migrations. A database records the versions applied
 * in `schema_version` (migrate.ts); a hub applies the ones it lacks at start and refuses a
 * database whose version is newer than the last one here. Never edit a released migration: add
 * the next one.
 *
 * The tables mirror the SQLite ones (store/sqlite/schema.ts, workflows/store/schema.ts): payloads
 * are stored as JSON text, exactly as sent, so a read copies them instead of re-serializing.
 * `spans.search` is the full-text index (PostgreSQL's tsvector with the 'simple' configuration: every
 * word, lowercased, no stemming — the FTS5 unicode61 tokenizer's behaviour without diacritic folding),
 * capped per column so a 1 MiB payload never exceeds tsvector's size limit.
 * `change_counter` holds the last change sequence number: a write takes its row lock to number its
 * spans and keeps it until commit, so seq order is commit order (postgres-span-writer.ts).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const TEXT_CAP = 100_000;
/**
 * A column's words for the index: ASCII punctuation becomes a space first, so words split as FTS5's
 * unicode61 tokenizer splits them (PostgreSQL's parser alone reads `root-3` as `root` and `-3`, `a.b`
 * as a host name). Non-ASCII characters are left to the parser, whatever the database's locale.
 */
const searchable = (column: string, cap = TEXT_CAP) =>
  `regexp_replace(coalesce(left(${column}, ${cap}), ''), '[\\x01-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]+', ' ', 'g')`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'spans, traces, presence, annotations, change counter',
    sql: `
CREATE TABLE change_counter (one boolean PRIMARY KEY DEFAULT true CHECK (one), value bigint NOT NULL);
INSERT INTO change_counter (one, value) VALUES (true, 0);

CREATE TABLE spans (
  id bigserial PRIMARY KEY,
  span_id text NOT NULL UNIQUE,
  trace_id text NOT NULL,
  parent_span_id text,
  service text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  start_time double precision NOT NULL,
  end_time double precision,
  status text NOT NULL,
  session_id text,
  input text,
  output text,
  error text,
  attributes text,
  events text,
  error_group text,
  model text,
  input_tokens bigint,
  output_tokens bigint,
  cost_usd double precision,
  seq bigint NOT NULL,
  search tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple',
    ${searchable('name', 1000)} || ' ' || ${searchable('input')} || ' ' || ${searchable('output')} || ' ' || ${searchable('error')}))) STORED
);
CREATE INDEX spans_trace ON spans (trace_id, start_time, id);
CREATE INDEX spans_start ON spans (start_time, id);
CREATE INDEX spans_service ON spans (service, start_time);
CREATE INDEX spans_session ON spans (session_id, start_time) WHERE session_id IS NOT NULL;
CREATE INDEX spans_errors ON spans (error_group, start_time) WHERE status = 'error';
CREATE INDEX spans_seq ON spans (seq);
CREATE INDEX spans_search ON spans USING gin (search);

CREATE TABLE traces (
  id bigserial UNIQUE,
  trace_id text PRIMARY KEY,
  root_span_id text,
  name text NOT NULL,
  service text NOT NULL,
  kind text NOT NULL,
  session_id text,
  start_time double precision NOT NULL,
  end_time double precision,
  root_end_time double precision,
  root_status text,
  has_error integer NOT NULL DEFAULT 0
);
CREATE INDEX traces_start ON traces (start_time, id);
CREATE INDEX traces_service ON traces (service, start_time);
CREATE INDEX traces_session ON traces (session_id, start_time) WHERE session_id IS NOT NULL;

CREATE TABLE services (service text PRIMARY KEY, first_seen double precision NOT NULL, last_seen double precision NOT NULL);

CREATE TABLE instances (
  service text NOT NULL,
  instance_id text NOT NULL,
  pid bigint,
  host text,
  language text,
  runtime_version text,
  sdk text,
  dropped text,
  last_seen double precision NOT NULL,
  PRIMARY KEY (service, instance_id)
);

CREATE TABLE annotations (
  id bigserial PRIMARY KEY,
  span_id text NOT NULL,
  trace_id text NOT NULL,
  kind text NOT NULL,
  label text,
  text text,
  score double precision,
  created_at double precision NOT NULL
);
CREATE INDEX annotations_span ON annotations (span_id);
-- One bookmark per span, also when two hubs add it at once.
CREATE UNIQUE INDEX annotations_one_bookmark ON annotations (span_id) WHERE kind = 'bookmark';
`,
  },
  {
    version: 2,
    name: 'workflow runs, steps, span debts, schedules, versions',
    sql: `
CREATE TABLE wf_runs (
  id text PRIMARY KEY,
  project text NOT NULL,
  workflow text NOT NULL,
  status text NOT NULL,
  created_at double precision NOT NULL,
  record text NOT NULL
);
CREATE INDEX wf_runs_by_time ON wf_runs (created_at DESC, id DESC);
CREATE INDEX wf_runs_by_workflow ON wf_runs (project, workflow, created_at DESC, id DESC);
CREATE INDEX wf_runs_unfinished ON wf_runs (created_at, id) WHERE status IN ('queued', 'running', 'waiting');

CREATE TABLE wf_steps (
  run_id text NOT NULL,
  node_id text NOT NULL,
  visit integer NOT NULL,
  attempt integer NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (run_id, node_id, visit, attempt)
);

CREATE TABLE wf_span_debts (run_id text PRIMARY KEY);

CREATE TABLE wf_schedules (
  project text NOT NULL,
  workflow text NOT NULL,
  paused boolean NOT NULL,
  last_fire_at double precision,
  PRIMARY KEY (project, workflow)
);

CREATE TABLE wf_versions (
  project text NOT NULL,
  workflow text NOT NULL,
  version integer NOT NULL,
  saved_at double precision NOT NULL,
  definition text NOT NULL,
  PRIMARY KEY (project, workflow, version)
);
`,
  },
  {
    version: 3,
    name: 'workflow pillar state shared by hubs and workers: run rollups, secrets, template uses, projects',
    // The SQLite tables of workflows/metrics/rollup-schema.ts, secrets and template_uses, so a worker
    // needs no shared data folder; histograms are jsonb so a bucket merges in one atomic upsert.
    // wf_projects and wf_current_workflows mirror the project folders for workers (catalog.ts).
    sql: `
CREATE TABLE wf_run_rollups (
  resolution double precision NOT NULL,
  bucket double precision NOT NULL,
  project text NOT NULL,
  workflow text NOT NULL,
  succeeded integer NOT NULL,
  failed integer NOT NULL,
  cancelled integer NOT NULL,
  duration_sum double precision NOT NULL,
  duration_max double precision NOT NULL,
  histogram jsonb NOT NULL,
  PRIMARY KEY (resolution, bucket, project, workflow)
);
CREATE INDEX wf_run_rollups_by_project ON wf_run_rollups (resolution, project, bucket);

CREATE TABLE wf_run_error_rollups (
  resolution double precision NOT NULL,
  bucket double precision NOT NULL,
  project text NOT NULL,
  workflow text NOT NULL,
  code text NOT NULL,
  node_type text NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (resolution, bucket, project, workflow, code, node_type)
);

CREATE TABLE wf_node_rollups (
  resolution double precision NOT NULL,
  bucket double precision NOT NULL,
  project text NOT NULL,
  workflow text NOT NULL,
  node_id text NOT NULL,
  node_type text NOT NULL,
  executions integer NOT NULL,
  failed integer NOT NULL,
  duration_sum double precision NOT NULL,
  duration_max double precision NOT NULL,
  PRIMARY KEY (resolution, bucket, project, workflow, node_id)
);

CREATE TABLE wf_secrets (
  project text NOT NULL,
  name text NOT NULL,
  iv bytea NOT NULL,
  tag bytea NOT NULL,
  ciphertext bytea NOT NULL,
  updated_at double precision NOT NULL,
  PRIMARY KEY (project, name)
);

-- Which key encrypts wf_secrets: an HMAC of a constant under the key (it reveals nothing of the
-- key), so a process started with another key refuses to start instead of losing every secret.
CREATE TABLE wf_secret_key (one boolean PRIMARY KEY DEFAULT true CHECK (one), fingerprint text NOT NULL);

CREATE TABLE wf_template_uses (
  project text NOT NULL,
  workflow text NOT NULL,
  template text NOT NULL,
  created_at double precision NOT NULL,
  PRIMARY KEY (project, workflow)
);

CREATE TABLE wf_projects (id text PRIMARY KEY, definition text NOT NULL);

CREATE TABLE wf_current_workflows (
  project text NOT NULL,
  workflow text NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (project, workflow)
);
`,
  },
  {
    version: 4,
    name: 'analytics rollups shared by the hubs, span ids counted across hubs, alert rules and their state',
    sql: `
-- analytics/postgres/postgres-rollup-store.ts: one row per tier bucket and series; every hub adds
-- its deltas (counts add, histograms add bucket by bucket). hist is a bigint[] whose subscripts are
-- the histogram's bucket indexes ([first:last]={…}), so adding two needs no decoding.
CREATE TABLE analytics_rollups (
  res bigint NOT NULL,
  bucket bigint NOT NULL,
  service text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  model text NOT NULL,
  calls bigint NOT NULL,
  errors bigint NOT NULL,
  duration_sum double precision NOT NULL,
  duration_max double precision NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  hist bigint[] NOT NULL,
  PRIMARY KEY (res, bucket, service, name, kind, model)
);

CREATE FUNCTION analytics_hist_add(a bigint[], b bigint[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN cardinality(a) = 0 THEN b
    WHEN cardinality(b) = 0 THEN a
    ELSE (SELECT ('[' || lo || ':' || hi || ']=' || array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i)::text)::bigint[]
          FROM (SELECT least(array_lower(a, 1), array_lower(b, 1)) AS lo, greatest(array_upper(a, 1), array_upper(b, 1)) AS hi) AS r,
               generate_series(r.lo, r.hi) AS i
          GROUP BY lo, hi)
  END
$$;

-- Span ids already counted by some hub (kept an hour): a span counts once across hubs.
CREATE TABLE analytics_counted (span_id text PRIMARY KEY, counted_at bigint NOT NULL);
CREATE INDEX analytics_counted_at ON analytics_counted (counted_at);

-- alerts/postgres-alert-store.ts: the tables of <data>/alerts.sqlite, shared by the hubs.
CREATE TABLE alert_rules (id text PRIMARY KEY, body text NOT NULL);
CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  rule_id text NOT NULL,
  rule_name text NOT NULL,
  key text NOT NULL,
  state text NOT NULL,
  title text NOT NULL,
  value double precision,
  labels text NOT NULL,
  started_at bigint NOT NULL,
  seen_at bigint NOT NULL,
  resolved_at bigint,
  acknowledged_at bigint
);
CREATE UNIQUE INDEX alerts_open ON alerts (rule_id, key) WHERE state = 'firing';
CREATE TABLE alert_events (
  id bigserial PRIMARY KEY,
  alert_id bigint NOT NULL,
  rule_id text NOT NULL,
  type text NOT NULL,
  at bigint NOT NULL,
  title text NOT NULL,
  notified text NOT NULL
);
CREATE TABLE alert_seen_error_groups (id text PRIMARY KEY, first_seen bigint NOT NULL);
`,
  },
  {
    version: 5,
    name: 'replay branch index shared by the hubs',
    // <data>/replay-branches.jsonl of one hub, as a table every hub writes and reads (replay/branches.ts).
    sql: `
CREATE TABLE replay_branches (
  trace_id text PRIMARY KEY,
  replay_of text NOT NULL,
  from_span text NOT NULL,
  start_time double precision NOT NULL
);
CREATE INDEX replay_branches_by_original ON replay_branches (replay_of, start_time);
`,
  },
  {
    version: 6,
    name: 'analytics histograms stored sparse, rollups pre-merged per service',
    // Queries merge histograms cell by cell: only the non-empty buckets (hist_idx, hist_n: ~a dozen)
    // instead of every bucket between the first and the last (often over a hundred). And, as in
    // <data>/analytics.sqlite, the sums per service and of all services ('') are kept pre-merged,
    // which charts of all services or of one read (analytics/postgres/postgres-rollup-store.ts).
    sql: `
ALTER TABLE analytics_rollups ADD COLUMN hist_idx integer[] NOT NULL DEFAULT '{}', ADD COLUMN hist_n bigint[] NOT NULL DEFAULT '{}';
UPDATE analytics_rollups SET (hist_idx, hist_n) = (
  SELECT coalesce(array_agg(i ORDER BY i), '{}'), coalesce(array_agg(hist[i] ORDER BY i), '{}') FROM generate_subscripts(hist, 1) AS i WHERE hist[i] <> 0);
ALTER TABLE analytics_rollups DROP COLUMN hist;
DROP FUNCTION analytics_hist_add(bigint[], bigint[]);

CREATE FUNCTION analytics_hist_merge(ai integer[], an bigint[], bi integer[], bn bigint[], OUT idx integer[], OUT n bigint[]) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(i ORDER BY i), '{}'), coalesce(array_agg(c ORDER BY i), '{}')
  FROM (SELECT i, sum(c)::bigint AS c FROM (SELECT * FROM unnest(ai, an) UNION ALL SELECT * FROM unnest(bi, bn)) AS u(i, c) GROUP BY i) AS g
$$;

CREATE TABLE analytics_rollup_totals (
  res bigint NOT NULL,
  bucket bigint NOT NULL,
  service text NOT NULL,
  calls bigint NOT NULL,
  errors bigint NOT NULL,
  duration_sum double precision NOT NULL,
  duration_max double precision NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  hist_idx integer[] NOT NULL,
  hist_n bigint[] NOT NULL,
  PRIMARY KEY (res, bucket, service)
);
WITH sums AS (
  SELECT res, bucket, coalesce(service, '') AS service, sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum) AS duration_sum,
    max(duration_max) AS duration_max, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd
  FROM analytics_rollups GROUP BY GROUPING SETS ((res, bucket, service), (res, bucket))
), cells AS (
  SELECT res, bucket, coalesce(service, '') AS service, c.i, sum(c.n)::bigint AS n
  FROM analytics_rollups AS r, unnest(r.hist_idx, r.hist_n) AS c(i, n) GROUP BY GROUPING SETS ((res, bucket, service, c.i), (res, bucket, c.i))
), hists AS (
  SELECT res, bucket, service, array_agg(i ORDER BY i) AS idx, array_agg(n ORDER BY i) AS n FROM cells GROUP BY res, bucket, service
)
INSERT INTO analytics_rollup_totals
SELECT s.res, s.bucket, s.service, s.calls, s.errors, s.duration_sum, s.duration_max, s.input_tokens, s.output_tokens, s.cost_usd,
  coalesce(h.idx, '{}'), coalesce(h.n, '{}')
FROM sums AS s LEFT JOIN hists AS h USING (res, bucket, service);
`,
  },
  {
    version: 7,
    name: 'playground keys and AI-assist settings shared by the hubs',
    // <data>/playground-keys.json and <data>/assist.json of one hub, as tables every hub reads
    // (playground/postgres-key-rows.ts, workflows/assist/postgres-assist-settings.ts). Keys stay
    // AES-256-GCM ciphertext under the shared secret key (wf_secret_key holds its fingerprint);
    // base_url is authenticated data, so a value cannot be pointed at another server by an UPDATE.
    sql: `
CREATE TABLE playground_keys (
  name text PRIMARY KEY,
  base_url text,
  iv bytea NOT NULL,
  tag bytea NOT NULL,
  ciphertext bytea NOT NULL,
  updated_at double precision NOT NULL
);
CREATE TABLE assist_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  settings jsonb NOT NULL,
  updated_at double precision NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'deployments shared by the hubs, each with an owner hub and its lease',
    // <data>/deployments.sqlite of one hub, as tables every hub reads (deploy/postgres-deploy-store.ts).
    // A deployment's owner runs its app and renews lease_until; claiming is a conditional UPDATE on
    // the lease, so when an owner dies one other hub takes the deployment over.
    sql: `
CREATE TABLE deploy_targets (
  project text NOT NULL,
  id text NOT NULL,
  platform text NOT NULL,
  language text NOT NULL,
  health_interval_ms bigint NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (project, id)
);
CREATE TABLE deploy_deployments (
  id text PRIMARY KEY,
  project text NOT NULL,
  target text NOT NULL,
  platform text NOT NULL,
  language text NOT NULL,
  version text NOT NULL,
  started_at bigint NOT NULL,
  ended_at bigint,
  duration_ms bigint,
  status text NOT NULL,
  logs text NOT NULL DEFAULT '',
  url text,
  folder text NOT NULL,
  rollback_of text,
  owner text,
  lease_until bigint
);
CREATE INDEX deploy_deployments_by_target ON deploy_deployments (project, target, started_at);
CREATE INDEX deploy_deployments_by_owner ON deploy_deployments (owner) WHERE status IN ('running', 'deploying', 'stopped');
CREATE TABLE deploy_health_checks (
  project text NOT NULL,
  target text NOT NULL,
  deployment text NOT NULL,
  at bigint NOT NULL,
  status text NOT NULL,
  response_ms double precision,
  uptime_seconds double precision,
  error text
);
CREATE INDEX deploy_health_checks_by_target ON deploy_health_checks (project, target, at);
`,
  },
  {
    version: 9,
    name: 'run rollups appended to a log and folded later; workers told of catalog changes; alerts resume where the last leader stopped',
    // wf_rollup_log: each run store transaction appends its rollup delta (no row lock shared with
    // another writer); a fold moves deltas into the wf_ rollup tables, deleting them in the same
    // transaction, so each counts once (workflows/metrics/postgres-rollup-log.ts).
    // wf_catalog_generation: bumped with every published project and secret change, which NOTIFY
    // it; a worker whose copy is at the current generation drives a run without reading them again
    // (workflows/projects/catalog-follower.ts).
    // alert_feed_position: the change-feed position the alert leader evaluated up to, with the
    // error spans' range not yet checked for new groups; a new leader resumes there.
    // alert_inbox: alert events that are not in the change feed (deployment health) seen by a hub
    // that does not lead, drained by the leader (alerts/postgres-alert-follower.ts).
    sql: `
CREATE TABLE wf_rollup_log (
  id bigserial PRIMARY KEY,
  cells jsonb NOT NULL
);
CREATE TABLE wf_catalog_generation (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  value bigint NOT NULL
);
INSERT INTO wf_catalog_generation (id, value) VALUES (true, 0);
CREATE TABLE alert_feed_position (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  error_from double precision,
  error_to double precision,
  updated_at double precision NOT NULL
);
CREATE TABLE alert_inbox (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  event jsonb NOT NULL,
  at double precision NOT NULL
);
`,
  },
];

/** The newest schema this hub knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
