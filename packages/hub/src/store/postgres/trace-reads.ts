import type pg from 'pg';
import type { SpanError, SpanKind, SpanStatus } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { formatFrame, groupFrames, topFrame } from '../error-group.js';
import type { ErrorGroup, ErrorGroupQuery, Page, SessionSummary, SpanQuery, TraceSummary, UsageTotals } from '../store.js';
import { TREND_BUCKETS } from '../sqlite/error-groups.js';
import { UNPRICED_SQL } from './span-reads.js';
import { addSessionText, addSpanText, numbered, PgWhere, traceQueryWhere } from './where.js';

interface Rollup {
  key: string;
  spans: number;
  errors: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  unpriced: number | null;
}

const ROLLUP_COLUMNS = `count(*) AS spans, sum((s.status = 'error')::int) AS errors,
  sum(s.input_tokens) AS input_tokens, sum(s.output_tokens) AS output_tokens, sum(s.cost_usd) AS cost_usd,
  sum(${UNPRICED_SQL}) AS unpriced`;

async function select<T>(db: pg.Pool, sql: string, params: unknown[]): Promise<T[]> {
  return (await db.query(numbered(sql), params)).rows as T[];
}

interface TraceRow {
  id: number;
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
    items: page.map((row) => {
      const rollup = rollups.get(row.trace_id);
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
        status: row.has_error ? 'error' : row.root_end_time === null ? 'unset' : ((row.root_status as SpanStatus | null) ?? 'ok'),
        usage: usageOf(rollup),
      };
    }),
    nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null,
  };
}

/** Sessions most recently active first, grouped from the traces table. */
export async function listSessions(db: pg.Pool, query: SpanQuery): Promise<Page<SessionSummary>> {
  const where = new PgWhere().add('session_id IS NOT NULL');
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.sessionId !== undefined) where.add('session_id = ?', query.sessionId);
  if (query.q) addSessionText(where, query.q);
  const having = new PgWhere();
  if (query.from !== undefined) having.add('max(COALESCE(end_time, start_time)) >= ?', query.from);
  if (query.to !== undefined) having.add('min(start_time) <= ?', query.to);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    having.add('(max(COALESCE(end_time, start_time)), session_id) < (?, ?)', t, String(k));
  }
  const rows = await select<{ session_id: string; services: string[]; traces: number; errors: number; first_seen: number; last_seen: number }>(
    db,
    `SELECT session_id, array_agg(DISTINCT service) AS services, count(*) AS traces, sum(has_error) AS errors,
       min(start_time) AS first_seen, max(COALESCE(end_time, start_time)) AS last_seen
     FROM traces ${where.toSql()} GROUP BY session_id ${having.toSql('HAVING')}
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
    items: page.map((row) => ({
      sessionId: row.session_id,
      services: row.services,
      traceCount: row.traces,
      errorCount: rollups.get(row.session_id)?.errors ?? row.errors,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      usage: usageOf(rollups.get(row.session_id)),
    })),
    nextCursor: more && last ? encodeCursor({ t: last.last_seen, k: last.session_id }) : null,
  };
}

/** Error groups, most recently seen first, from the partial index over failed spans. */
export async function listErrorGroups(db: pg.Pool, query: ErrorGroupQuery): Promise<ErrorGroup[]> {
  const where = new PgWhere().add("status = 'error'").add('error_group IS NOT NULL');
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.q) addSpanText(where, query.q);
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  const groups = await select<{ id: string; count: number; first_seen: number; last_seen: number; services: string[]; last_id: number }>(
    db,
    `SELECT error_group AS id, count(*) AS count, min(start_time) AS first_seen, max(start_time) AS last_seen,
       array_agg(DISTINCT service) AS services, max(id) AS last_id
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
    select<{ id: number; span_id: string; trace_id: string; error: string | null }>(db, 'SELECT id, span_id, trace_id, error FROM spans WHERE id = ANY(?)', [
      groups.map((g) => g.last_id),
    ]),
  ]);
  const sampleById = new Map(samples.map((s) => [s.id, s]));
  return groups.map((group) => {
    const last = sampleById.get(group.last_id)!;
    const error = last.error ? (JSON.parse(last.error) as SpanError) : { type: 'Error', message: '' };
    const frame = topFrame(groupFrames(error));
    const trend = new Array<number>(TREND_BUCKETS).fill(0);
    for (const row of trendRows) if (row.id === group.id && row.bucket >= 0 && row.bucket < TREND_BUCKETS) trend[row.bucket]! += row.n;
    return {
      id: group.id,
      type: error.type,
      message: error.message,
      topFrame: frame ? formatFrame(frame) : null,
      count: group.count,
      firstSeen: group.first_seen,
      lastSeen: group.last_seen,
      services: group.services,
      lastSpanId: last.span_id,
      lastTraceId: last.trace_id,
      trend,
      trendFrom,
    };
  });
}

async function rollupBy(db: pg.Pool, sql: string, keys: string[]): Promise<Map<string, Rollup>> {
  if (keys.length === 0) return new Map();
  const rows = await select<Rollup>(db, sql, [keys]);
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
