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
import { encodedToSpan, rowToSpan, spanValues, type SpanRow } from './row-codec.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { listSessions, listTraces } from './trace-queries.js';
import { Where, spanFilterWhere, spanQueryWhere } from './where.js';
import { WriterClient } from './writer-client.js';

export interface SqliteStoreOptions {
  /** Path of the database file; created with its folder when missing. */
  file: string;
  /** Run WAL checkpoints on a background thread (default true). */
  backgroundCheckpoints?: boolean;
}

/**
 * The embedded span store: one SQLite file in WAL mode. Writes go to a writer thread
 * (writer-thread.ts), one transaction per batch, so SQLite's work overlaps with parsing and
 * validating the next request on the main thread; reads use this thread's own connection. With
 * synchronous=NORMAL a committed transaction survives a crash of the hub process, which is the
 * promise an acknowledgement makes. Queries are served from indexes; nothing groups the whole
 * spans table.
 */
export class SqliteSpanStore implements SpanStore {
  readonly kind = 'sqlite' as const;
  /** The reading connection (query_only). */
  readonly db: Database.Database;
  private seq: number;
  private count: number;
  private readonly writer: WriterClient;
  private readonly checkpointer: Checkpointer | undefined;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    const isNew = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets pruning give
    // pages back to the file system without a full VACUUM.
    if (isNew.n === 0) this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -32768');
    this.db.exec(SCHEMA);
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
    this.db.pragma('query_only = ON');

    this.seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM spans').get() as { s: number }).s;
    this.count = (this.db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
    this.writer = new WriterClient(options.file, this.seq);
    this.checkpointer = options.backgroundCheckpoints === false ? undefined : new Checkpointer(options.file);
  }

  async write(spans: readonly EncodedSpan[]): Promise<Span[]> {
    if (spans.length === 0) return [];
    const outcome = await this.writer.write(spans.map(spanValues), Date.now());
    const written = spans.map((span, i) => encodedToSpan(span, outcome.firstSeq + i));
    for (const [index, row] of outcome.merged) written[index] = rowToSpan(row);
    this.seq = outcome.firstSeq + spans.length - 1;
    this.count += outcome.inserted;
    return written;
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

  async recordHeartbeat(beat: InstanceBeat): Promise<void> {
    await this.writer.request({ op: 'heartbeat', beat });
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

  async pruneOlderThan(before: number): Promise<number> {
    return this.afterPrune((await this.writer.request({ op: 'pruneOlderThan', before })) as number);
  }

  async pruneToSize(maxBytes: number): Promise<number> {
    return this.afterPrune((await this.writer.request({ op: 'pruneToSize', maxBytes })) as number);
  }

  private afterPrune(deleted: number): number {
    this.count -= deleted;
    return deleted;
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

  async compact(): Promise<void> {
    await this.writer.request({ op: 'compact' });
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await this.writer.close();
    if (this.db.open) this.db.close();
  }
}
