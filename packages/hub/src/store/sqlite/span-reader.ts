import type Database from 'better-sqlite3';
import type { Span, SpanFilter } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ErrorGroup, ErrorGroupQuery, Page, ServiceRow, SessionSummary, SpanJson, SpanOutline, SpanQuery, TraceSummary, UsageTotals } from '../store.js';
import type { AgentRunQuery, AgentRunSummary } from '../agent-runs.js';
import type { Annotation, AnnotationQuery } from '../annotations.js';
import { listAgentRuns } from './agent-queries.js';
import { listAnnotations } from './annotation-store.js';
import { listErrorGroups } from './error-groups.js';
import { rowToSpan, type SpanRow } from './row-codec.js';
import { rowToSpanJson } from './span-json.js';
import { listSpansByCommonWords } from './text-search.js';
import { listSessions, listTraces, UNPRICED_SQL } from './trace-queries.js';
import { Where, spanFilterWhere, spanQueryWhere } from './where.js';

/** The sort key of the last row of a page, (start_time, id): where the next page starts. */
export type RowKey = [startTime: number, id: number];

/** A bounded page of a long read; `next` is null on the last page. */
export interface KeyPage<T> {
  items: T[];
  next: RowKey | null;
}

const OUTLINE_COLUMNS = 'span_id, parent_span_id, service, name, kind, start_time, end_time, status, seq, id';

/**
 * Every read of the spans database, on one read-only connection. Reader threads run it
 * (reader-thread.ts), so no query — however large the trace or slow the scan — runs on the hub's
 * event loop. Long reads are split into pages keyed by (start_time, id): each page is one short
 * query, and nothing holds a read transaction open between pages.
 */
export class SpanReader {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  getSpan(spanId: string): Span | undefined {
    const row = this.prepare('SELECT * FROM spans WHERE span_id = ?').get(spanId) as SpanRow | undefined;
    return row ? rowToSpan(row) : undefined;
  }

  /** A page of a trace's spans by start time, as JSON text. */
  tracePage(traceId: string, after: RowKey | null, limit: number): KeyPage<SpanJson> {
    const where = new Where().add('trace_id = ?', traceId);
    const rows = this.keyPage(where, after, limit, '*') as SpanRow[];
    return { items: rows.map(rowToSpanJson), next: nextKey(rows, limit) };
  }

  /** A page of a trace's spans by start time, without payloads. */
  traceOutlinePage(traceId: string, after: RowKey | null, limit: number): KeyPage<SpanOutline> {
    const where = new Where().add('trace_id = ?', traceId);
    const rows = this.keyPage(where, after, limit, OUTLINE_COLUMNS, true) as unknown[][];
    const last = rows[rows.length - 1];
    const next: RowKey | null = rows.length === limit && last ? [last[5] as number, last[9] as number] : null;
    for (const row of rows) row.length = 9; // drop the id, which only keys the next page
    return { items: rows as SpanOutline[], next };
  }

  /** A page of every span matching a query, oldest first, as JSON text (exports). */
  scanPage(query: Omit<SpanQuery, 'limit' | 'cursor'>, after: RowKey | null, limit: number): KeyPage<SpanJson> {
    const rows = this.keyPage(spanQueryWhere(query), after, limit, '*') as SpanRow[];
    return { items: rows.map(rowToSpanJson), next: nextKey(rows, limit) };
  }

  private keyPage(where: Where, after: RowKey | null, limit: number, columns: string, raw = false): unknown[] {
    if (after) where.add('(start_time, id) > (?, ?)', after[0], after[1]);
    const statement = this.prepare(`SELECT ${columns} FROM spans ${where.toSql()} ORDER BY start_time, id LIMIT ?`);
    return (raw ? statement.raw(true) : statement).all(...where.params, limit);
  }

  listSpans(query: SpanQuery): Page<Span> {
    const common = listSpansByCommonWords(this.db, query);
    if (common) return common;
    const where = spanQueryWhere(query);
    if (query.cursor !== undefined) {
      const { t, k } = decodeCursor(query.cursor);
      where.add('(start_time < ? OR (start_time = ? AND id < ?))', t, t, k);
    }
    const rows = this.prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY start_time DESC, id DESC LIMIT ?`).all(
      ...where.params,
      query.limit + 1,
    ) as SpanRow[];
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(rowToSpan),
      nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null,
    };
  }

  listTraces(query: SpanQuery): Page<TraceSummary> {
    return listTraces(this.db, query);
  }

  listSessions(query: SpanQuery): Page<SessionSummary> {
    return listSessions(this.db, query);
  }

  listAgentRuns(query: AgentRunQuery): Page<AgentRunSummary> {
    return listAgentRuns(this.db, query);
  }

  listAnnotations(query: AnnotationQuery): Page<Annotation> {
    return listAnnotations(this.db, query);
  }

  listErrorGroups(query: ErrorGroupQuery): ErrorGroup[] {
    return listErrorGroups(this.db, query);
  }

  usageByService(): Map<string, UsageTotals> {
    const rows = this.prepare(
      `SELECT service, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost_usd) AS cost, sum(${UNPRICED_SQL}) AS unpriced
       FROM spans s WHERE input_tokens IS NOT NULL OR output_tokens IS NOT NULL GROUP BY service`,
    ).all() as { service: string; input: number | null; output: number | null; cost: number | null; unpriced: number | null }[];
    return new Map(
      rows.map((r) => [r.service, { inputTokens: r.input ?? 0, outputTokens: r.output ?? 0, costUsd: r.cost, unpricedCalls: r.unpriced ?? 0, costPartial: (r.unpriced ?? 0) > 0 }]),
    );
  }

  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Span[] {
    const where = spanFilterWhere(filter, new Where().add('seq > ? AND seq <= ?', after, upTo));
    const rows = this.prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY seq LIMIT ?`).all(...where.params, limit) as SpanRow[];
    return rows.map(rowToSpan);
  }

  recentChanges(filter: SpanFilter, upTo: number, limit: number): Span[] {
    const where = spanFilterWhere(filter, new Where().add('seq <= ?', upTo));
    const rows = this.prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY seq DESC LIMIT ?`).all(...where.params, limit) as SpanRow[];
    return rows.reverse().map(rowToSpan);
  }

  /** Where a replay of (after, upTo] must start to send at most `max` changes: the newest ones. */
  replayStart(filter: SpanFilter, after: number, upTo: number, max: number): number {
    const where = spanFilterWhere(filter, new Where().add('seq > ? AND seq <= ?', after, upTo));
    const row = this.prepare(`SELECT seq FROM spans ${where.toSql()} ORDER BY seq DESC LIMIT 1 OFFSET ?`).get(...where.params, max) as
      | { seq: number }
      | undefined;
    return row ? row.seq : after;
  }

  listServices(): ServiceRow[] {
    const services = this.prepare('SELECT service, first_seen, last_seen FROM services ORDER BY last_seen DESC').all() as {
      service: string;
      first_seen: number;
      last_seen: number;
    }[];
    const instances = this.prepare('SELECT * FROM instances ORDER BY last_seen DESC').all() as InstanceRow[];
    return serviceRows(services, instances);
  }
}

/** A row of the `instances` table. */
export interface InstanceRow {
  service: string;
  instance_id: string;
  pid: number | null;
  host: string | null;
  language: string | null;
  runtime_version: string | null;
  sdk: string | null;
  dropped: string | null;
  last_seen: number;
}

/** Services (most recently seen first) with their instances (shared with the PostgreSQL store). */
export function serviceRows(services: { service: string; first_seen: number; last_seen: number }[], instances: InstanceRow[]): ServiceRow[] {
  return services.map((s) => ({
    service: s.service,
    firstSeen: s.first_seen,
    lastSeen: s.last_seen,
    instances: instances
      .filter((i) => i.service === s.service)
      .map((i) => ({
        instanceId: i.instance_id,
        pid: i.pid,
        host: i.host,
        language: i.language,
        runtimeVersion: i.runtime_version,
        sdk: i.sdk,
        dropped: i.dropped ? (JSON.parse(i.dropped) as Record<string, number>) : {},
        time: i.last_seen,
      })),
  }));
}

function nextKey(rows: SpanRow[], limit: number): RowKey | null {
  const last = rows[rows.length - 1];
  return rows.length === limit && last ? [last.start_time, last.id] : null;
}
