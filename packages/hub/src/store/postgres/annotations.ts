import type pg from 'pg';
import { HubError } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Annotation, AnnotationQuery, NewAnnotation } from '../annotations.js';
import type { Page } from '../store.js';
import { rowToAnnotation, type AnnotationRow } from '../sqlite/annotation-store.js';
import { likeContains, Where } from '../sqlite/where.js';
import { numbered } from './where.js';

/**
 * Bookmarks and notes on PostgreSQL (store/annotations.ts). A span has at most one bookmark, also
 * when two hubs add it at once (a unique partial index): adding a second answers the first.
 */
export async function addAnnotation(db: pg.Pool, input: NewAnnotation, now: number): Promise<Annotation> {
  const { rows } = await db.query<AnnotationRow>(
    `INSERT INTO annotations (span_id, trace_id, kind, label, text, score, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (span_id) WHERE kind = 'bookmark' DO NOTHING RETURNING *`,
    [input.spanId, input.traceId, input.kind, input.label ?? null, input.text ?? null, input.score ?? null, now],
  );
  if (rows[0]) return rowToAnnotation(rows[0]);
  const existing = await db.query<AnnotationRow>("SELECT * FROM annotations WHERE span_id = $1 AND kind = 'bookmark'", [input.spanId]);
  return rowToAnnotation(existing.rows[0]!);
}

export async function deleteAnnotation(db: pg.Pool, id: number): Promise<boolean> {
  return ((await db.query('DELETE FROM annotations WHERE id = $1', [id])).rowCount ?? 0) === 1;
}

/** Annotations newest first (by id, which only grows), paged by the id of the last one. */
export async function listAnnotations(db: pg.Pool, query: AnnotationQuery): Promise<Page<Annotation>> {
  const where = new Where();
  if (query.spanId !== undefined) where.add('span_id = ?', query.spanId);
  if (query.kind !== undefined) where.add('kind = ?', query.kind);
  if (query.label !== undefined) where.add('label = ?', query.label);
  if (query.q !== undefined) {
    const pattern = likeContains(query.q);
    where.add('(text ILIKE ? OR label ILIKE ?)', pattern, pattern);
  }
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor).k;
    if (typeof after !== 'number') throw new HubError('INVALID_CURSOR', 'cursor: not a cursor returned by this API');
    where.add('id < ?', after);
  }
  const { rows } = await db.query<AnnotationRow>(numbered(`SELECT * FROM annotations ${where.toSql()} ORDER BY id DESC LIMIT ?`), [
    ...where.params,
    query.limit + 1,
  ]);
  const items = rows.slice(0, query.limit).map(rowToAnnotation);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.createdAt, k: last.id }) : null };
}
