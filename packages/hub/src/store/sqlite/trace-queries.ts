import type Database from 'better-sqlite3';
import type { SpanKind, SpanStatus } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Page, SessionSummary, SpanQuery, TraceSummary, UsageTotals } from '../store.js';
import { addSessionText, traceQueryWhere, Where } from './where.js';

/** A row of the `traces` table, as the list queries select it. */
export interface TraceRow {
  rowid: number;
  trace_id: string;
  name: string;
  service: string;
  kind: string;
  session_id: string | null;
  start_time: number;
  end_time: number | null;
  root_end_time: number | null;
  root_status: string | null;
  has_error: number;
}

export interface Rollup {
  key: string;
  spans: number;
  errors: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  unpriced: number | null;
}

/** A span with tokens but no cost: its model has no price, so every sum over it is partial. */
export const UNPRICED_SQL = '(s.cost_usd IS NULL AND (s.input_tokens > 0 OR s.output_tokens > 0))';

const ROLLUP_COLUMNS = `count(*) AS spans, sum(s.status = 'error') AS errors,
  sum(s.input_tokens) AS input_tokens, sum(s.output_tokens) AS output_tokens, sum(s.cost_usd) AS cost_usd,
  sum(${UNPRICED_SQL}) AS unpriced`;

/** Traces newest first; counts and usage are aggregated for the page only, from the trace index. */
export function listTraces(db: Database.Database, query: SpanQuery): Page<TraceSummary> {
  const where = traceQueryWhere(query);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    where.add('(start_time < ? OR (start_time = ? AND rowid < ?))', t, t, k);
  }
  const rows = db
    .prepare(`SELECT rowid, * FROM traces ${where.toSql()} ORDER BY start_time DESC, rowid DESC LIMIT ?`)
    .all(...where.params, query.limit + 1) as TraceRow[];
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const rollups = rollupBy(
    db,
    `SELECT s.trace_id AS key, ${ROLLUP_COLUMNS} FROM spans s WHERE s.trace_id IN (${placeholders(page.length)}) GROUP BY s.trace_id`,
    page.map((r) => r.trace_id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((row) => traceSummary(row, rollups.get(row.trace_id))),
    nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.rowid }) : null,
  };
}

/** A trace list item from its row and its spans' roll-up (shared with the PostgreSQL store). */
export function traceSummary(row: Omit<TraceRow, 'rowid'>, rollup: Rollup | undefined): TraceSummary {
  return {
    traceId: row.trace_id,
    name: row.name,
    service: row.service,
    kind: row.kind as SpanKind,
    sessionId: row.session_id,
    startTime: row.start_time,
    endTime: row.end_time,
    durationMs: row.root_end_time === null ? null : row.root_end_time - row.start_time,
    spanCount: rollup?.spans ?? 0,
    errorCount: rollup?.errors ?? 0,
    status: traceStatus(row),
    usage: usageOf(rollup),
  };
}

function traceStatus(row: Omit<TraceRow, 'rowid'>): SpanStatus {
  if (row.has_error) return 'error';
  if (row.root_end_time === null) return 'unset';
  return (row.root_status as SpanStatus | null) ?? 'ok';
}

export interface SessionRow {
  session_id: string;
  services: string;
  traces: number;
  errors: number;
  first_seen: number;
  last_seen: number;
}

/** Sessions most recently active first, grouped from the trace table's session index. */
export function listSessions(db: Database.Database, query: SpanQuery): Page<SessionSummary> {
  const where = new Where().add('session_id IS NOT NULL');
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.sessionId !== undefined) where.add('session_id = ?', query.sessionId);
  if (query.q) addSessionText(where, query.q);
  const having = new Where();
  if (query.from !== undefined) having.add('last_seen >= ?', query.from);
  if (query.to !== undefined) having.add('first_seen <= ?', query.to);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    having.add('(last_seen < ? OR (last_seen = ? AND session_id < ?))', t, t, k);
  }
  const rows = db
    .prepare(
      `SELECT session_id, group_concat(DISTINCT service) AS services, count(*) AS traces, sum(has_error) AS errors,
        min(start_time) AS first_seen, max(COALESCE(end_time, start_time)) AS last_seen
       FROM traces ${where.toSql()} GROUP BY session_id
       ${having.toSql().replace(/^WHERE/, 'HAVING')}
       ORDER BY last_seen DESC, session_id DESC LIMIT ?`,
    )
    .all(...where.params, ...having.params, query.limit + 1) as SessionRow[];
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const rollups = rollupBy(
    db,
    `SELECT t.session_id AS key, ${ROLLUP_COLUMNS} FROM traces t JOIN spans s ON s.trace_id = t.trace_id
     WHERE t.session_id IN (${placeholders(page.length)}) GROUP BY t.session_id`,
    page.map((r) => r.session_id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((row) => sessionSummary(row, rollups.get(row.session_id))),
    nextCursor: more && last ? encodeCursor({ t: last.last_seen, k: last.session_id }) : null,
  };
}

/** A session list item from its grouped row and its spans' roll-up (shared with the PostgreSQL store). */
export function sessionSummary(row: SessionRow, rollup: Rollup | undefined): SessionSummary {
  return {
    sessionId: row.session_id,
    services: row.services ? row.services.split(',') : [],
    traceCount: row.traces,
    errorCount: rollup?.errors ?? row.errors,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    usage: usageOf(rollup),
  };
}

function rollupBy(db: Database.Database, sql: string, keys: string[]): Map<string, Rollup> {
  if (keys.length === 0) return new Map();
  const rows = db.prepare(sql).all(...keys) as Rollup[];
  return new Map(rows.map((r) => [r.key, r]));
}

function usageOf(rollup: Rollup | undefined): UsageTotals {
  return {
    inputTokens: rollup?.input_tokens ?? 0,
    outputTokens: rollup?.output_tokens ?? 0,
    costUsd: rollup?.cost_usd ?? null,
    unpricedCalls: rollup?.unpriced ?? 0,
    costPartial: (rollup?.unpriced ?? 0) > 0,
  };
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
