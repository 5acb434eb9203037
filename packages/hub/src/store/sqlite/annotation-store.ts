import type Database from 'better-sqlite3';
import { HubError } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Annotation, AnnotationQuery, NewAnnotation } from '../annotations.js';
import type { Page } from '../store.js';
import { likeContains, Where } from './where.js';

export interface AnnotationRow {
  id: number;
  span_id: string;
  trace_id: string;
  kind: Annotation['kind'];
  label: string | null;
  text: string | null;
  score: number | null;
  created_at: number;
}

export function rowToAnnotation(row: AnnotationRow): Annotation {
  const annotation: Annotation = { id: row.id, spanId: row.span_id, traceId: row.trace_id, kind: row.kind, createdAt: row.created_at };
  if (row.label !== null) annotation.label = row.label;
  if (row.text !== null) annotation.text = row.text;
  if (row.score !== null) annotation.score = row.score;
  return annotation;
}

/**
 * Writes of the annotations table, on the writer thread's connection. A span has at most one
 * bookmark: adding a second answers the first, so a bookmark toggle is idempotent.
 */
export class AnnotationWriter {
  constructor(private readonly db: Database.Database) {}

  add(input: NewAnnotation, now: number): Annotation {
    return this.db.transaction(() => {
      if (input.kind === 'bookmark') {
        const existing = this.db.prepare("SELECT * FROM annotations WHERE span_id = ? AND kind = 'bookmark'").get(input.spanId) as AnnotationRow | undefined;
        if (existing) return rowToAnnotation(existing);
      }
      const row = this.db
        .prepare('INSERT INTO annotations (span_id, trace_id, kind, label, text, score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *')
        .get(input.spanId, input.traceId, input.kind, input.label ?? null, input.text ?? null, input.score ?? null, input.createdAt ?? now) as AnnotationRow;
      return rowToAnnotation(row);
    })();
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM annotations WHERE id = ?').run(id).changes === 1;
  }
}

/** Annotations newest first (by id, which only grows), paged by the id of the last one. */
export function listAnnotations(db: Database.Database, query: AnnotationQuery): Page<Annotation> {
  const where = new Where();
  if (query.spanId !== undefined) where.add('span_id = ?', query.spanId);
  if (query.traceId !== undefined) where.add('trace_id = ?', query.traceId);
  if (query.spanIds !== undefined) {
    if (query.spanIds.length === 0) return { items: [], nextCursor: null };
    where.add(`span_id IN (${query.spanIds.map(() => '?').join(', ')})`, ...query.spanIds);
  }
  if (query.kind !== undefined) where.add('kind = ?', query.kind);
  if (query.label !== undefined) where.add('label = ?', query.label);
  if (query.q !== undefined) {
    const pattern = likeContains(query.q);
    where.add("(text LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\')", pattern, pattern);
  }
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor).k;
    if (typeof after !== 'number') throw new HubError('INVALID_CURSOR', 'cursor: not a cursor returned by this API');
    where.add('id < ?', after);
  }
  const rows = db
    .prepare(`SELECT * FROM annotations ${where.toSql()} ORDER BY id DESC LIMIT ?`)
    .all(...where.params, query.limit + 1) as AnnotationRow[];
  const items = rows.slice(0, query.limit).map(rowToAnnotation);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.createdAt, k: last.id }) : null };
}
