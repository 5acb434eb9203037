import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Span, SpanFilter } from '@runtime-hub/protocol';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { EncodedSpan } from '../encoded-span.js';
import type {
  ErrorGroup,
  ErrorGroupQuery,
  InstanceBeat,
  Page,
  ServiceRow,
  SessionSummary,
  SpanOutline,
  SpanQuery,
  SpanStore,
  TraceSummary,
  UsageTotals,
} from '../store.js';
import { Checkpointer } from './checkpointer.js';
import { listErrorGroups } from './error-groups.js';
import { rowToSpan, encodedToSpan, spanParams, type SpanRow } from './row-codec.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { INSERT_SPAN, MERGE_SPAN, TOUCH_SERVICE, UPSERT_INSTANCE, UPSERT_TRACE } from './statements.js';
import { listSessions, listTraces } from './trace-queries.js';
import { Where, spanFilterWhere, spanQueryWhere } from './where.js';

export interface SqliteStoreOptions {
  /** Path of the database file; created with its folder when missing. */
  file: string;
  /** Run WAL checkpoints on a background thread (default true). */
  backgroundCheckpoints?: boolean;
}

/**
 * The embedded span store: one SQLite file in WAL mode. Writes are synchronous and batched, one
 * transaction per ingest call; with synchronous=NORMAL a committed transaction survives a crash
 * of the hub process (the WAL is in the OS page cache), which is the promise an acknowledgement
 * makes. Queries are served from indexes; nothing groups the whole spans table.
 */
export class SqliteSpanStore implements SpanStore {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  private seq: number;
  private count: number;
  private readonly insertSpan: Database.Statement;
  private readonly mergeSpan: Database.Statement;
  private readonly upsertTrace: Database.Statement;
  private readonly touchService: Database.Statement;
  private readonly writeBatch: (spans: readonly EncodedSpan[]) => Span[];
  private readonly checkpointer: Checkpointer | undefined;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    const isNew = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets pruning give
    // pages back to the file system without a full VACUUM.
    if (isNew.n === 0) this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    // Checkpoints run on a background thread (Checkpointer) so they never stall ingest; the
    // writer's own auto-checkpoint only kicks in as a safety net if that thread falls behind.
    this.db.pragma('wal_autocheckpoint = 50000');
    this.db.pragma('journal_size_limit = 67108864');
    this.db.exec(SCHEMA);
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));

    this.insertSpan = this.db.prepare(INSERT_SPAN);
    this.mergeSpan = this.db.prepare(MERGE_SPAN);
    this.upsertTrace = this.db.prepare(UPSERT_TRACE);
    this.touchService = this.db.prepare(TOUCH_SERVICE);
    this.seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM spans').get() as { s: number }).s;
    this.count = (this.db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
    this.checkpointer = options.backgroundCheckpoints === false ? undefined : new Checkpointer(options.file);
    this.writeBatch = this.db.transaction((spans: readonly EncodedSpan[]) => this.writeInTransaction(spans));
  }

  write(spans: readonly EncodedSpan[]): Promise<Span[]> {
    if (spans.length === 0) return Promise.resolve([]);
    const seqBefore = this.seq;
    const countBefore = this.count;
    try {
      return Promise.resolve(this.writeBatch(spans));
    } catch (error) {
      // The transaction rolled back: so do the counters.
      this.seq = seqBefore;
      this.count = countBefore;
      return Promise.reject(error);
    }
  }

  private writeInTransaction(spans: readonly EncodedSpan[]): Span[] {
    const written: Span[] = [];
    for (const span of spans) {
      const seq = ++this.seq;
      const params = spanParams(span, seq);
      if (this.insertSpan.run(params).changes === 1) {
        this.count++;
        written.push(encodedToSpan(span, seq));
      } else {
        written.push(rowToSpan(this.mergeSpan.get(params) as SpanRow));
      }
    }
    this.updateTraces(written);
    const now = Date.now();
    for (const service of new Set(written.map((s) => s.service))) this.touchService.run(service, now, now);
    return written;
  }

  /** Folds the batch's merged spans into one upsert per trace. */
  private updateTraces(spans: readonly Span[]): void {
    const byTrace = new Map<string, Record<string, unknown>>();
    for (const span of spans) {
      let trace = byTrace.get(span.traceId);
      const isRoot = span.parentSpanId === null;
      if (!trace) {
        trace = {
          traceId: span.traceId,
          rootSpanId: null,
          name: span.name,
          service: span.service,
          kind: span.kind,
          sessionId: span.sessionId,
          startTime: span.startTime,
          endTime: span.endTime,
          rootEndTime: null,
          rootStatus: null,
          hasError: 0,
        };
        byTrace.set(span.traceId, trace);
      }
      if (isRoot) {
        Object.assign(trace, {
          rootSpanId: span.spanId,
          name: span.name,
          service: span.service,
          kind: span.kind,
          rootEndTime: span.endTime,
          rootStatus: span.status,
        });
      }
      trace.sessionId ??= span.sessionId;
      trace.startTime = Math.min(trace.startTime as number, span.startTime);
      if (span.endTime !== null) trace.endTime = Math.max((trace.endTime as number | null) ?? 0, span.endTime);
      if (span.status === 'error') trace.hasError = 1;
    }
    for (const trace of byTrace.values()) this.upsertTrace.run(trace);
  }

  getSpan(spanId: string): Promise<Span | undefined> {
    const row = this.db.prepare('SELECT * FROM spans WHERE span_id = ?').get(spanId) as SpanRow | undefined;
    return Promise.resolve(row ? rowToSpan(row) : undefined);
  }

  getTrace(traceId: string): Promise<Span[]> {
    const rows = this.db.prepare('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_time, id').all(traceId) as SpanRow[];
    return Promise.resolve(rows.map(rowToSpan));
  }

  getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    // Raw rows of a few columns: no JSON parsing, no row objects.
    const rows = this.db
      .prepare('SELECT span_id, parent_span_id, service, name, kind, start_time, end_time, status, seq FROM spans WHERE trace_id = ? ORDER BY start_time, id')
      .raw()
      .all(traceId) as SpanOutline[];
    return Promise.resolve(rows);
  }

  usageByService(): Promise<Map<string, UsageTotals>> {
    const rows = this.db
      .prepare(
        `SELECT service, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost_usd) AS cost FROM spans
         WHERE input_tokens IS NOT NULL OR output_tokens IS NOT NULL GROUP BY service`,
      )
      .all() as { service: string; input: number | null; output: number | null; cost: number | null }[];
    return Promise.resolve(new Map(rows.map((r) => [r.service, { inputTokens: r.input ?? 0, outputTokens: r.output ?? 0, costUsd: r.cost }])));
  }

  listSpans(query: SpanQuery): Promise<Page<Span>> {
    const where = spanQueryWhere(query);
    if (query.cursor !== undefined) {
      const { t, k } = decodeCursor(query.cursor);
      where.add('(start_time < ? OR (start_time = ? AND id < ?))', t, t, k);
    }
    const rows = this.db
      .prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY start_time DESC, id DESC LIMIT ?`)
      .all(...where.params, query.limit + 1) as SpanRow[];
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    return Promise.resolve({
      items: page.map(rowToSpan),
      nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null,
    });
  }

  listTraces(query: SpanQuery): Promise<Page<TraceSummary>> {
    return Promise.resolve(listTraces(this.db, query));
  }

  listSessions(query: SpanQuery): Promise<Page<SessionSummary>> {
    return Promise.resolve(listSessions(this.db, query));
  }

  listErrorGroups(query: ErrorGroupQuery): Promise<ErrorGroup[]> {
    return Promise.resolve(listErrorGroups(this.db, query));
  }

  async *scanSpans(query: SpanQuery, pageSize: number): AsyncIterable<Span[]> {
    let afterId = 0;
    for (;;) {
      const where = spanQueryWhere(query).add('id > ?', afterId);
      const rows = this.db
        .prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY id LIMIT ?`)
        .all(...where.params, pageSize) as SpanRow[];
      if (rows.length === 0) return;
      afterId = rows[rows.length - 1]!.id;
      yield rows.map(rowToSpan);
      if (rows.length < pageSize) return;
    }
  }

  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]> {
    const where = spanFilterWhere(filter, new Where().add('seq > ? AND seq <= ?', after, upTo));
    const rows = this.db
      .prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY seq LIMIT ?`)
      .all(...where.params, limit) as SpanRow[];
    return Promise.resolve(rows.map(rowToSpan));
  }

  recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]> {
    const where = spanFilterWhere(filter, new Where().add('seq <= ?', upTo));
    const rows = this.db
      .prepare(`SELECT * FROM spans ${where.toSql()} ORDER BY seq DESC LIMIT ?`)
      .all(...where.params, limit) as SpanRow[];
    return Promise.resolve(rows.reverse().map(rowToSpan));
  }

  lastSeq(): number {
    return this.seq;
  }

  spanCount(): number {
    return this.count;
  }

  recordHeartbeat(beat: InstanceBeat): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(UPSERT_INSTANCE).run({ ...beat, dropped: JSON.stringify(beat.dropped) });
      this.touchService.run(beat.service, beat.time, beat.time);
    })();
    return Promise.resolve();
  }

  listServices(): Promise<ServiceRow[]> {
    const services = this.db
      .prepare('SELECT service, first_seen, last_seen FROM services ORDER BY last_seen DESC')
      .all() as { service: string; first_seen: number; last_seen: number }[];
    const instances = this.db.prepare('SELECT * FROM instances ORDER BY last_seen DESC').all() as {
      service: string;
      instance_id: string;
      pid: number | null;
      host: string | null;
      language: string | null;
      runtime_version: string | null;
      sdk: string | null;
      dropped: string | null;
      last_seen: number;
    }[];
    return Promise.resolve(
      services.map((s) => ({
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
      })),
    );
  }

  pruneOlderThan(before: number): Promise<number> {
    return Promise.resolve(this.deleteOldest('start_time < ?', [before], Number.POSITIVE_INFINITY));
  }

  pruneToSize(maxBytes: number): Promise<number> {
    let deleted = 0;
    for (let used = this.usedBytes(); used > maxBytes && this.count > 0; used = this.usedBytes()) {
      // Estimate how many of the oldest spans hold the excess, from the average size per span;
      // a few rounds converge without deleting far more than needed.
      const excess = Math.ceil(((used - maxBytes) / used) * this.count * 1.05);
      const n = this.deleteOldest('1', [], Math.max(10, excess));
      if (n === 0) break;
      deleted += n;
    }
    return Promise.resolve(deleted);
  }

  /** Deletes up to `max` of the oldest spans matching `condition`, in chunks, and their empty traces. */
  private deleteOldest(condition: string, params: unknown[], max: number): number {
    const chunk = this.db.prepare(
      `DELETE FROM spans WHERE id IN (SELECT id FROM spans WHERE ${condition} ORDER BY start_time LIMIT ?)`,
    );
    let deleted = 0;
    while (deleted < max) {
      const n = chunk.run(...params, Math.min(5000, max - deleted)).changes;
      if (n === 0) break;
      deleted += n;
      this.count -= n;
    }
    if (deleted > 0) {
      // Only traces that started before the oldest remaining span can have lost all their spans.
      this.db.exec(`DELETE FROM traces
        WHERE start_time < COALESCE((SELECT MIN(start_time) FROM spans), 9e15)
          AND NOT EXISTS (SELECT 1 FROM spans WHERE spans.trace_id = traces.trace_id)`);
    }
    return deleted;
  }

  /** Bytes held by live pages: what pruning can actually reduce. */
  private usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  sizeBytes(): number {
    const file = this.db.name;
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    return size(file) + size(`${file}-wal`);
  }

  compact(): Promise<void> {
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
