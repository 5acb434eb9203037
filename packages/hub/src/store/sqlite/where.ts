import type { SpanFilter } from '@runtime-hub/protocol';
import type { SpanQuery } from '../store.js';
import { fullTextQuery, MATCHING_SPAN_IDS, RECENT_MATCHING_SPAN_IDS } from './full-text.js';

/** A WHERE clause under construction: SQL fragments joined by AND, with their parameters. */
export class Where {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  toSql(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/** Escapes LIKE wildcards so `q` matches literally. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Conditions on the spans table for the live filter fields. */
export function spanFilterWhere(filter: SpanFilter, where = new Where()): Where {
  if (filter.service !== undefined) where.add('service = ?', filter.service);
  if (filter.traceId !== undefined) where.add('trace_id = ?', filter.traceId);
  if (filter.sessionId !== undefined) where.add('session_id = ?', filter.sessionId);
  if (filter.kind !== undefined) where.add('kind = ?', filter.kind);
  if (filter.status !== undefined) where.add('status = ?', filter.status);
  return where;
}

/** Conditions on the spans table for a full query (filters, text, time range, duration). */
export function spanQueryWhere(query: Omit<SpanQuery, 'limit' | 'cursor'>): Where {
  const where = spanFilterWhere(query);
  if (query.q) addSpanText(where, query.q);
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  if (query.minDurationMs !== undefined) where.add('end_time - start_time >= ?', query.minDurationMs);
  if (query.errorGroup !== undefined) where.add("error_group = ? AND status = 'error'", query.errorGroup);
  return where;
}

/** Conditions on the traces table: filters apply to the root span; status is the trace's. */
export function traceQueryWhere(query: SpanQuery): Where {
  const where = new Where();
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.traceId !== undefined) where.add('trace_id = ?', query.traceId);
  if (query.sessionId !== undefined) where.add('session_id = ?', query.sessionId);
  if (query.kind !== undefined) where.add('kind = ?', query.kind);
  if (query.status === 'error') where.add('has_error = 1');
  if (query.status === 'ok') where.add('has_error = 0 AND root_end_time IS NOT NULL');
  if (query.status === 'unset') where.add('has_error = 0 AND root_end_time IS NULL');
  if (query.q) addTraceText(where, query.q);
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  if (query.minDurationMs !== undefined) where.add('root_end_time - start_time >= ?', query.minDurationMs);
  return where;
}

/**
 * `q` on spans: the words of the span's name, input, output or error (full-text index), or, for
 * text without a word, its name containing the text.
 */
export function addSpanText(where: Where, text: string): Where {
  const match = fullTextQuery(text);
  if (match === null) return where.add("name LIKE ? ESCAPE '\\'", likeContains(text));
  return where.add(`id IN (${MATCHING_SPAN_IDS})`, match);
}

/**
 * `q` on traces: a span of the trace (its root included, whose name is the trace's) matches it in
 * the full-text index; for text without a word, the root's name contains it. (Also matching the
 * name as a substring would scan the traces table whenever the words are rare: 1.9 s over a
 * million traces, bench/search.)
 */
export function addTraceText(where: Where, text: string): Where {
  const match = fullTextQuery(text);
  if (match === null) return where.add("name LIKE ? ESCAPE '\\'", likeContains(text));
  return where.add(`trace_id IN (SELECT trace_id FROM spans WHERE id IN (${RECENT_MATCHING_SPAN_IDS}))`, match);
}

/** `q` on sessions: the session id contains the text, or a span of the session matches it. */
export function addSessionText(where: Where, text: string): Where {
  const match = fullTextQuery(text);
  const id = "session_id LIKE ? ESCAPE '\\'";
  if (match === null) return where.add(id, likeContains(text));
  return where.add(`(${id} OR session_id IN (SELECT session_id FROM spans WHERE id IN (${RECENT_MATCHING_SPAN_IDS}) AND session_id IS NOT NULL))`, likeContains(text), match);
}
