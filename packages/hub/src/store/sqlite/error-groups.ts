import type Database from 'better-sqlite3';
import type { SpanError } from '@runtime-hub/protocol';
import { formatFrame, groupFrames, topFrame } from '../error-group.js';
import type { ErrorGroup, ErrorGroupQuery } from '../store.js';
import { payloadText, type StoredPayload } from './payload-codec.js';
import { addSpanText, Where } from './where.js';

/** Buckets in an error group's trend. */
export const TREND_BUCKETS = 24;

export interface GroupRow {
  id: string;
  count: number;
  first_seen: number;
  last_seen: number;
  services: string;
  last_id: number;
}

/** Error groups, most recently seen first, from the partial index over failed spans. */
export function listErrorGroups(db: Database.Database, query: ErrorGroupQuery): ErrorGroup[] {
  const where = new Where().add("status = 'error'").add('error_group IS NOT NULL');
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.q) addSpanText(where, query.q);
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  const groups = db
    .prepare(
      `SELECT error_group AS id, count(*) AS count, min(start_time) AS first_seen, max(start_time) AS last_seen,
        group_concat(DISTINCT service) AS services, max(id) AS last_id
       FROM spans ${where.toSql()} GROUP BY error_group ORDER BY last_seen DESC LIMIT ?`,
    )
    .all(...where.params, query.limit) as GroupRow[];
  if (groups.length === 0) return [];

  const trendTo = query.to ?? Date.now();
  const trendFrom = trendTo - TREND_BUCKETS * query.bucketMs;
  const trendRows = db
    .prepare(
      `SELECT error_group AS id, CAST((start_time - ?) / ? AS INTEGER) AS bucket, count(*) AS n
       FROM spans WHERE status = 'error' AND error_group IN (${groups.map(() => '?').join(', ')})
         AND start_time >= ? AND start_time <= ?
       GROUP BY error_group, bucket`,
    )
    .all(trendFrom, query.bucketMs, ...groups.map((g) => g.id), trendFrom, trendTo) as {
    id: string;
    bucket: number;
    n: number;
  }[];
  const sample = db.prepare('SELECT span_id, trace_id, error FROM spans WHERE id = ?');

  return groups.map((group) => {
    const last = sample.get(group.last_id) as Omit<ErrorSample, 'error'> & { error: StoredPayload };
    return errorGroupFrom(group, { ...last, error: payloadText(last.error) }, trendRows, trendFrom);
  });
}

/** The newest failed span of a group. */
export interface ErrorSample {
  span_id: string;
  trace_id: string;
  error: string | null;
}

/** An error group from its grouped row, its newest span and the trend counts (shared with the PostgreSQL store). */
export function errorGroupFrom(group: GroupRow, last: ErrorSample, trendRows: readonly { id: string; bucket: number; n: number }[], trendFrom: number): ErrorGroup {
  const error = last.error ? (JSON.parse(last.error) as SpanError) : { type: 'Error', message: '' };
  const frame = topFrame(groupFrames(error));
  const trend = new Array<number>(TREND_BUCKETS).fill(0);
  for (const row of trendRows) {
    if (row.id === group.id && row.bucket >= 0 && row.bucket < TREND_BUCKETS) trend[row.bucket]! += row.n;
  }
  return {
    id: group.id,
    type: error.type,
    message: error.message,
    topFrame: frame ? formatFrame(frame) : null,
    count: group.count,
    firstSeen: group.first_seen,
    lastSeen: group.last_seen,
    services: group.services ? group.services.split(',') : [],
    lastSpanId: last.span_id,
    lastTraceId: last.trace_id,
    trend,
    trendFrom,
  };
}
