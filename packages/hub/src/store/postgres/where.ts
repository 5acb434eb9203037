import type { SpanFilter } from '@runtime-hub/protocol';
import type { SpanQuery } from '../store.js';

/**
 * A WHERE clause under construction, written with `?` placeholders that `sql()` numbers `$1, $2, …`
 * in order (the statements here never hold a literal `?`).
 */
export class PgWhere {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  toSql(keyword = 'WHERE'): string {
    return this.parts.length === 0 ? '' : `${keyword} ${this.parts.join(' AND ')}`;
  }
}

/** Numbers the `?` placeholders of a statement `$1, $2, …`. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Escapes LIKE wildcards so the text matches literally (backslash is PostgreSQL's default escape). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Words a search may hold; more are ignored, as in the SQLite store. */
const MAX_WORDS = 16;

/**
 * The tsquery for what a user typed (api.md, Search): its words, all required; `word*` is a prefix.
 * Words are letters and digits only, so nothing in them is a tsquery operator. Null when the text
 * holds no word (then only names are searched, by substring).
 */
export function tsQuery(text: string): string | null {
  const words = [...text.matchAll(/([\p{L}\p{N}]+)(\*?)/gu)].slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return words.map(([, word, star]) => `'${word!.toLowerCase()}'${star && word!.length >= 2 ? ':*' : ''}`).join(' & ');
}

const MATCHES = "search @@ to_tsquery('simple', ?)";
/** The 5,000 most recently stored matching spans: lists that match through their spans stay bounded (as in SQLite). */
const RECENT_MATCHES = `SELECT id FROM spans WHERE ${MATCHES} ORDER BY id DESC LIMIT 5000`;

export function spanFilterWhere(filter: SpanFilter, where = new PgWhere()): PgWhere {
  if (filter.service !== undefined) where.add('service = ?', filter.service);
  if (filter.traceId !== undefined) where.add('trace_id = ?', filter.traceId);
  if (filter.sessionId !== undefined) where.add('session_id = ?', filter.sessionId);
  if (filter.kind !== undefined) where.add('kind = ?', filter.kind);
  if (filter.status !== undefined) where.add('status = ?', filter.status);
  return where;
}

export function spanQueryWhere(query: Omit<SpanQuery, 'limit' | 'cursor'>): PgWhere {
  const where = spanFilterWhere(query);
  if (query.q) addSpanText(where, query.q);
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  if (query.minDurationMs !== undefined) where.add('end_time - start_time >= ?', query.minDurationMs);
  if (query.errorGroup !== undefined) where.add("error_group = ? AND status = 'error'", query.errorGroup);
  return where;
}

export function addSpanText(where: PgWhere, text: string): PgWhere {
  const query = tsQuery(text);
  if (query === null) return where.add('name ILIKE ?', likeContains(text));
  return where.add(MATCHES, query);
}

/** Conditions on the traces table: filters apply to the root span; status is the trace's. */
export function traceQueryWhere(query: SpanQuery): PgWhere {
  const where = new PgWhere();
  if (query.service !== undefined) where.add('service = ?', query.service);
  if (query.traceId !== undefined) where.add('trace_id = ?', query.traceId);
  if (query.sessionId !== undefined) where.add('session_id = ?', query.sessionId);
  if (query.kind !== undefined) where.add('kind = ?', query.kind);
  if (query.status === 'error') where.add('has_error = 1');
  if (query.status === 'ok') where.add('has_error = 0 AND root_end_time IS NOT NULL');
  if (query.status === 'unset') where.add('has_error = 0 AND root_end_time IS NULL');
  if (query.q) {
    const match = tsQuery(query.q);
    if (match === null) where.add('name ILIKE ?', likeContains(query.q));
    else where.add(`trace_id IN (SELECT trace_id FROM spans WHERE id IN (${RECENT_MATCHES}))`, match);
  }
  if (query.from !== undefined) where.add('start_time >= ?', query.from);
  if (query.to !== undefined) where.add('start_time <= ?', query.to);
  if (query.minDurationMs !== undefined) where.add('root_end_time - start_time >= ?', query.minDurationMs);
  return where;
}

/** `q` on sessions: the session id contains the text, or a span of the session matches it. */
export function addSessionText(where: PgWhere, text: string): PgWhere {
  const match = tsQuery(text);
  if (match === null) return where.add('session_id ILIKE ?', likeContains(text));
  return where.add(
    `(session_id ILIKE ? OR session_id IN (SELECT session_id FROM spans WHERE id IN (${RECENT_MATCHES}) AND session_id IS NOT NULL))`,
    likeContains(text),
    match,
  );
}
