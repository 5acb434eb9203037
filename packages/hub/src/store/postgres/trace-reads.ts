import type pg from 'pg';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ErrorGroup, ErrorGroupQuery, Page, SessionSummary, SpanQuery, TraceSummary } from '../store.js';
import { sessionSummary, traceSummary, type Rollup, type SessionRow, type TraceRow as SqliteTraceRow } from '../sqlite/trace-queries.js';
import { errorGroupFrom, TREND_BUCKETS, type ErrorSample, type GroupRow } from '../sqlite/error-groups.js';
import { UNPRICED_SQL } from './span-reads.js';
import { addSessionText, addSpanText, numbered, traceQueryWhere, Where } from './where.js';

const ROLLUP_COLUMNS = `count(*) AS spans, sum((s.status = 'error')::int) AS errors,
  sum(s.input_tokens) AS input_tokens, sum(s.output_tokens) AS output_tokens, sum(s.cost_usd) AS cost_usd,
  sum(${UNPRICED_SQL}) AS unpriced`;

async function select<T>(db: pg.Pool, sql: string, params: unknown[]): Promise<T[]> {
  return (await db.query(numbered(sql), params)).rows as T[];
}

/** A traces row: SQLite's, keyed by the `id` column instead of the rowid. */
type TraceRow = Omit<SqliteTraceRow, 'rowid'> & { id: number };

/** Traces newest first from the traces table; counts and usage aggregated for the page only (as in SQLite). */
export async function listTraces(db: pg.Pool, query: SpanQuery): Promise<Page<TraceSummary>> {
  const where = traceQueryWhere(query);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    where.add('(start_time, id) < (?, ?)', t, k);
  }
  const rows = await select<TraceRow>(db, `SELECT * FROM traces ${where.toSql()} ORDER BY start_time DESC, id DESC LIMIT ?`, [
    ...where.params,
    query.limit + 1,
  ]);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const rollups = await rollupBy(db, `SELECT s.trace_id AS key, ${ROLLUP_COLUMNS} FROM spans s WHERE s.trace_id = ANY(?) GROUP BY s.trace_id`, page.map((r) => r.trace_id));
  const last = page[page.length - 1];
  return {
    items: page.map((row) => traceSummary(row, rollups.get(row.trace_id))),
    nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null,
  };
}

/** Sessions most recently active first, grouped from the traces table. */
export async function listSessions(db: pg.Pool, query: SpanQuery): Promise<Page<SessionSummary>> {
  const where = new Where().add('session_id IS NOT NULL');
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.sessionId !== undefined) where.add('session_id = ?', query.sessionId);
  if (query.q) addSessionText(where, query.q);
  const having = new Where();
  if (query.from !== undefined) having.add('max(COALESCE(end_time, start_time)) >= ?', query.from);
  if (query.to !== undefined) having.add('min(start_time) <= ?', query.to);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    having.add('(max(COALESCE(end_time, start_time)), session_id) < (?, ?)', t, String(k));
  }
  const rows = await select<SessionRow>(
    db,
    `SELECT session_id, string_agg(DISTINCT service, ',') AS services, count(*) AS traces, sum(has_error) AS errors,
       min(start_time) AS first_seen, max(COALESCE(end_time, start_time)) AS last_seen
     FROM traces ${where.toSql()} GROUP BY session_id ${having.toSql().replace(/^WHERE/, 'HAVING')}
     ORDER BY last_seen DESC, session_id DESC LIMIT ?`,
    [...where.params, ...having.params, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const rollups = await rollupBy(
    db,
    `SELECT t.session_id AS key, ${ROLLUP_COLUMNS} FROM traces t JOIN spans s ON s.trace_id = t.trace_id
     WHERE t.session_id = ANY(?) GROUP BY t.session_id`,
    page.map((r) => r.session_id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((row) => sessionSummary(row, rollups.get(row.session_id))),
    nextCursor: more && last ? encodeCursor({ t: last.last_seen, k: last.session_id }) : null,
  };
}

/** Error groups, most recently seen first, from the partial index over failed spans. */
export async function listErrorGroups(db: pg.Pool, query: ErrorGroupQuery): Promise<ErrorGroup[]> {
  const where = new Where().add("status = 'error'").add('error_group IS NOT NULL');
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.q) addSpanText(where, query.q);
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  const groups = await select<GroupRow>(
    db,
    `SELECT error_group AS id, count(*) AS count, min(start_time) AS first_seen, max(start_time) AS last_seen,
       string_agg(DISTINCT service, ',') AS services, max(id) AS last_id
     FROM spans ${where.toSql()} GROUP BY error_group ORDER BY last_seen DESC LIMIT ?`,
    [...where.params, query.limit],
  );
  if (groups.length === 0) return [];
  const trendTo = query.to ?? Date.now();
  const trendFrom = trendTo - TREND_BUCKETS * query.bucketMs;
  const [trendRows, samples] = await Promise.all([
    select<{ id: string; bucket: number; n: number }>(
      db,
      `SELECT error_group AS id, floor((start_time - ?) / ?)::int AS bucket, count(*) AS n
       FROM spans WHERE status = 'error' AND error_group = ANY(?) AND start_time >= ? AND start_time <= ?
       GROUP BY 1, 2`,
      [trendFrom, query.bucketMs, groups.map((g) => g.id), trendFrom, trendTo],
    ),
    select<ErrorSample & { id: number }>(db, 'SELECT id, span_id, trace_id, error FROM spans WHERE id = ANY(?)', [
      groups.map((g) => g.last_id),
    ]),
  ]);
  const sampleById = new Map(samples.map((s) => [s.id, s]));
  return groups.map((group) => errorGroupFrom(group, sampleById.get(group.last_id)!, trendRows, trendFrom));
}

async function rollupBy(db: pg.Pool, sql: string, keys: string[]): Promise<Map<string, Rollup>> {
  if (keys.length === 0) return new Map();
  const rows = await select<Rollup>(db, sql, [keys]);
  return new Map(rows.map((r) => [r.key, r]));
}
