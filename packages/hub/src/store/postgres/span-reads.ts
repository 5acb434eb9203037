import type pg from 'pg';
import type { Span, SpanFilter } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Page, ServiceRow, SpanJson, SpanOutline, SpanQuery, UsageTotals } from '../store.js';
import { rowToSpan, type SpanRow } from '../sqlite/row-codec.js';
import { rowToSpanJson } from '../sqlite/span-json.js';
import { serviceRows, type InstanceRow, type KeyPage, type RowKey } from '../sqlite/span-reader.js';
import { ROW_COLUMNS } from './span-writer.js';
import { numbered, spanFilterWhere, spanQueryWhere, Where } from './where.js';

/** A span with tokens but no cost: its model has no price, so every sum over it is partial. */
export const UNPRICED_SQL = '(s.cost_usd IS NULL AND (s.input_tokens > 0 OR s.output_tokens > 0))::int';

const OUTLINE_COLUMNS = 'span_id, parent_span_id, service, name, kind, start_time, end_time, status, seq, id';

async function select<T>(db: pg.Pool, sql: string, params: unknown[]): Promise<T[]> {
  return (await db.query(numbered(sql), params)).rows as T[];
}

/**
 * The span reads on PostgreSQL: the same queries as the SQLite reader (span-reader.ts), each one
 * asynchronous on the pool, so a slow one never holds the hub's event loop. Long reads go in pages
 * keyed by (start_time, id), each page one short query.
 */
export class PgSpanReads {
  constructor(private readonly db: pg.Pool) {}

  async getSpan(spanId: string): Promise<Span | undefined> {
    const [row] = await select<SpanRow>(this.db, `SELECT ${ROW_COLUMNS} FROM spans WHERE span_id = ?`, [spanId]);
    return row ? rowToSpan(row) : undefined;
  }

  async tracePage(traceId: string, after: RowKey | null, limit: number): Promise<KeyPage<SpanJson>> {
    const rows = await this.keyPage<SpanRow>(new Where().add('trace_id = ?', traceId), after, limit, ROW_COLUMNS);
    return { items: rows.map(rowToSpanJson), next: nextKey(rows, limit) };
  }

  async traceOutlinePage(traceId: string, after: RowKey | null, limit: number): Promise<KeyPage<SpanOutline>> {
    const rows = await this.keyPage<Record<string, unknown>>(new Where().add('trace_id = ?', traceId), after, limit, OUTLINE_COLUMNS);
    const last = rows[rows.length - 1];
    const next: RowKey | null = rows.length === limit && last ? [last.start_time as number, last.id as number] : null;
    const items = rows.map(
      (r) => [r.span_id, r.parent_span_id, r.service, r.name, r.kind, r.start_time, r.end_time, r.status, r.seq] as SpanOutline,
    );
    return { items, next };
  }

  async scanPage(query: Omit<SpanQuery, 'limit' | 'cursor'>, after: RowKey | null, limit: number): Promise<KeyPage<SpanJson>> {
    const rows = await this.keyPage<SpanRow>(spanQueryWhere(query), after, limit, ROW_COLUMNS);
    return { items: rows.map(rowToSpanJson), next: nextKey(rows, limit) };
  }

  private keyPage<T>(where: Where, after: RowKey | null, limit: number, columns: string): Promise<T[]> {
    if (after) where.add('(start_time, id) > (?, ?)', after[0], after[1]);
    return select<T>(this.db, `SELECT ${columns} FROM spans ${where.toSql()} ORDER BY start_time, id LIMIT ?`, [...where.params, limit]);
  }

  async listSpans(query: SpanQuery): Promise<Page<Span>> {
    const where = spanQueryWhere(query);
    if (query.cursor !== undefined) {
      const { t, k } = decodeCursor(query.cursor);
      where.add('(start_time, id) < (?, ?)', t, k);
    }
    const rows = await select<SpanRow>(
      this.db,
      `SELECT ${ROW_COLUMNS} FROM spans ${where.toSql()} ORDER BY start_time DESC, id DESC LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    return { items: page.map(rowToSpan), nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null };
  }

  async usageByService(): Promise<Map<string, UsageTotals>> {
    const rows = await select<{ service: string; input: number | null; output: number | null; cost: number | null; unpriced: number | null }>(
      this.db,
      `SELECT service, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost_usd) AS cost, sum(${UNPRICED_SQL}) AS unpriced
       FROM spans s WHERE input_tokens IS NOT NULL OR output_tokens IS NOT NULL GROUP BY service`,
      [],
    );
    return new Map(
      rows.map((r) => [r.service, { inputTokens: r.input ?? 0, outputTokens: r.output ?? 0, costUsd: r.cost, unpricedCalls: r.unpriced ?? 0, costPartial: (r.unpriced ?? 0) > 0 }]),
    );
  }

  async changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]> {
    const where = spanFilterWhere(filter, new Where().add('seq > ? AND seq <= ?', after, upTo));
    const rows = await select<SpanRow>(this.db, `SELECT ${ROW_COLUMNS} FROM spans ${where.toSql()} ORDER BY seq LIMIT ?`, [...where.params, limit]);
    return rows.map(rowToSpan);
  }

  async recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]> {
    const where = spanFilterWhere(filter, new Where().add('seq <= ?', upTo));
    const rows = await select<SpanRow>(this.db, `SELECT ${ROW_COLUMNS} FROM spans ${where.toSql()} ORDER BY seq DESC LIMIT ?`, [...where.params, limit]);
    return rows.reverse().map(rowToSpan);
  }

  async replayStart(filter: SpanFilter, after: number, upTo: number, max: number): Promise<number> {
    const where = spanFilterWhere(filter, new Where().add('seq > ? AND seq <= ?', after, upTo));
    const [row] = await select<{ seq: number }>(this.db, `SELECT seq FROM spans ${where.toSql()} ORDER BY seq DESC LIMIT 1 OFFSET ?`, [
      ...where.params,
      max,
    ]);
    return row ? row.seq : after;
  }

  async listServices(): Promise<ServiceRow[]> {
    const services = await select<{ service: string; first_seen: number; last_seen: number }>(
      this.db,
      'SELECT service, first_seen, last_seen FROM services ORDER BY last_seen DESC',
      [],
    );
    const instances = await select<InstanceRow>(this.db, 'SELECT * FROM instances ORDER BY last_seen DESC', []);
    return serviceRows(services, instances);
  }
}

function nextKey(rows: SpanRow[], limit: number): RowKey | null {
  const last = rows[rows.length - 1];
  return rows.length === limit && last ? [last.start_time, last.id] : null;
}
