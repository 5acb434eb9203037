import type { SpanQuery } from '../store.js';
import { likeContains, spanQueryWhere as sqliteSpanQueryWhere, traceQueryWhere as sqliteTraceQueryWhere, type Where } from '../sqlite/where.js';

/**
 * The PostgreSQL store builds its conditions with the SQLite store's `Where` and filter helpers
 * (sqlite/where.ts: the same SQL, `?` placeholders) and differs only in text search, which uses
 * the `search` tsvector. `numbered` turns the `?` into `$1, $2, …` (no statement here holds a
 * literal `?`).
 */
export { likeContains, spanFilterWhere, Where } from '../sqlite/where.js';

/** Numbers the `?` placeholders of a statement `$1, $2, …`. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
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
export const RECENT_MATCHES = `SELECT id FROM spans WHERE ${MATCHES} ORDER BY id DESC LIMIT 5000`;

/** Conditions on the spans table for a full query: SQLite's, with `q` on the tsvector. */
export function spanQueryWhere(query: Omit<SpanQuery, 'limit' | 'cursor'>): Where {
  const where = sqliteSpanQueryWhere({ ...query, q: undefined });
  return query.q ? addSpanText(where, query.q) : where;
}

/** `q` on spans: the words of name, input, output or error; for text without a word, the name contains it. */
export function addSpanText(where: Where, text: string): Where {
  const query = tsQuery(text);
  if (query === null) return where.add('name ILIKE ?', likeContains(text));
  return where.add(MATCHES, query);
}

/** Conditions on the traces table: SQLite's, with `q` matching a span of the trace on the tsvector. */
export function traceQueryWhere(query: SpanQuery): Where {
  const where = sqliteTraceQueryWhere({ ...query, q: undefined });
  if (!query.q) return where;
  const match = tsQuery(query.q);
  if (match === null) return where.add('name ILIKE ?', likeContains(query.q));
  return where.add(`trace_id IN (SELECT trace_id FROM spans WHERE id IN (${RECENT_MATCHES}))`, match);
}

/** `q` on sessions: the session id contains the text, or a span of the session matches it. */
export function addSessionText(where: Where, text: string): Where {
  const match = tsQuery(text);
  if (match === null) return where.add('session_id ILIKE ?', likeContains(text));
  return where.add(
    `(session_id ILIKE ? OR session_id IN (SELECT session_id FROM spans WHERE id IN (${RECENT_MATCHES}) AND session_id IS NOT NULL))`,
    likeContains(text),
    match,
  );
}
