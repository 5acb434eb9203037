import type Database from 'better-sqlite3';
import type { Span } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Page, SpanQuery } from '../store.js';
import { fullTextQuery } from './full-text.js';
import { rowToSpan, type SpanRow } from './row-codec.js';
import { spanQueryWhere } from './where.js';

/** Up to this many matches, the matches themselves are read and sorted (cheap). */
const FEW_MATCHES = 2_000;
/** Spans the newest-first walk takes per step, and how many steps it may take. */
const STEP = 1_000;
const MAX_STEPS = 50;

/**
 * A page of spans matching `q`, newest first, for a word common enough that reading and sorting
 * every match would take seconds (a word in 40% of a million spans: ~5 s). Such a word is found
 * soon when walking the spans newest first through the start-time index, so the walk goes a step
 * of keys at a time and asks the index which of them match (one seek into the word's list per step).
 * Returns undefined when the plain query is the better plan: few matches, or none found within
 * MAX_STEPS steps (then the matches are rare among the newest spans and few overall).
 */
export function listSpansByCommonWords(db: Database.Database, query: SpanQuery): Page<Span> | undefined {
  const match = query.q ? fullTextQuery(query.q) : null;
  if (match === null) return undefined;
  const probe = db.prepare('SELECT count(*) FROM (SELECT rowid FROM spans_fts WHERE spans_fts MATCH ? LIMIT ?)').pluck();
  if ((probe.get(match, FEW_MATCHES + 1) as number) <= FEW_MATCHES) return undefined;

  const base = spanQueryWhere({ ...query, q: undefined });
  const keyed = base.toSql() === '' ? 'WHERE' : `${base.toSql()} AND`;
  const keys = db.prepare(`SELECT id, start_time FROM spans ${keyed} (start_time < ? OR (start_time = ? AND id < ?)) ORDER BY start_time DESC, id DESC LIMIT ?`);
  // One bound and the index's own order: FTS5 seeks to the bound and reads on; with both bounds
  // it reads the word's whole list (~100 ms for a word in 40% of a million spans).
  const hits = db.prepare('SELECT rowid FROM spans_fts WHERE spans_fts MATCH ? AND rowid <= ? ORDER BY rowid DESC').pluck();
  // Without a cursor, start after +∞: every span is older.
  let after = query.cursor === undefined ? { t: Number.POSITIVE_INFINITY, k: 0 } : decodeCursor(query.cursor);
  const matched: number[] = [];
  for (let step = 0; step < MAX_STEPS && matched.length <= query.limit; step++) {
    const rows = keys.all(...base.params, after.t, after.t, after.k, STEP) as { id: number; start_time: number }[];
    if (rows.length === 0) return page(db, matched, query.limit);
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    for (const row of rows) {
      low = Math.min(low, row.id);
      high = Math.max(high, row.id);
    }
    const found = new Set<number>();
    for (const id of hits.iterate(match, high) as IterableIterator<number>) {
      if (id < low) break;
      found.add(id);
    }
    for (const row of rows) {
      if (found.has(row.id)) matched.push(row.id);
      if (matched.length > query.limit) break;
    }
    if (rows.length < STEP) return page(db, matched, query.limit);
    const last = rows[rows.length - 1]!;
    after = { t: last.start_time, k: last.id };
  }
  return matched.length > query.limit ? page(db, matched, query.limit) : undefined;
}

/** The spans of `ids` (newest first, one more than `limit` when there is a next page). */
function page(db: Database.Database, ids: number[], limit: number): Page<Span> {
  const rows = db
    .prepare(`SELECT * FROM spans WHERE id IN (${ids.map(() => '?').join(',') || 'NULL'}) ORDER BY start_time DESC, id DESC`)
    .all(...ids) as SpanRow[];
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(rowToSpan), nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null };
}
