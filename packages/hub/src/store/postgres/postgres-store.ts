import type pg from 'pg';
import type { Span, SpanFilter } from '@runtime-hub/protocol';
import type { AgentRunQuery, AgentRunSummary } from '../agent-runs.js';
import type { Annotation, AnnotationQuery, NewAnnotation } from '../annotations.js';
import type { EncodedSpan } from '../encoded-span.js';
import { encodedToSpan, rowToSpan, spanValues } from '../sqlite/row-codec.js';
import type { KeyPage, RowKey } from '../sqlite/span-reader.js';
import type {
  ErrorGroup,
  ErrorGroupQuery,
  InstanceBeat,
  Page,
  ServiceRow,
  SessionSummary,
  SpanJson,
  SpanOutline,
  SpanQuery,
  SpanStore,
  TraceSummary,
  UsageTotals,
} from '../store.js';
import { listAgentRuns } from './agent-runs.js';
import { addAnnotation, deleteAnnotation, listAnnotations } from './annotations.js';
import { openMigratedPool } from './migrate.js';
import { inTransaction } from './pool.js';
import { PgSpanReads } from './span-reads.js';
import { writeBatch } from './span-writer.js';
import { listErrorGroups, listSessions, listTraces } from './trace-reads.js';

/** Spans one retention transaction deletes, as in SQLite: a write queued behind it waits milliseconds. */
const DELETE_CHUNK = 500;
/** A prune that removed at least this share of the spans since the last compaction rewrites the tables (VACUUM FULL). */
const REWRITE_SHARE = 0.25;
/** How often the cached size and span count are refreshed from the database (other hubs write too). */
const REFRESH_MS = 30_000;
/** Deadlock and serialization failures: the transaction is retried, it changed nothing. */
const RETRYABLE = new Set(['40P01', '40001']);

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Pool connections (default 10). */
  maxConnections?: number;
}

/**
 * The span store on PostgreSQL (scaled mode, `--db postgres://…`): several hubs share one
 * database. It passes the same conformance suite as the SQLite store (store-conformance.ts).
 *
 * Writes: one transaction per batch that numbers its changes from `change_counter` under that
 * row's lock, held until commit (span-writer.ts), so seq order is commit order across hubs and a
 * cursor never passes an uncommitted write. Upserts by spanId follow the same merge rules as
 * SQLite; a record re-sent after a timeout merges into the span it already made (idempotent).
 * Reads: asynchronous queries on a connection pool, so nothing blocks the event loop.
 * `lastSeq`, `spanCount` and `sizeBytes` answer synchronously from values kept current by this
 * hub's own writes and refreshed from the database every 30 s.
 */
export class PostgresSpanStore implements SpanStore {
  readonly kind = 'postgres' as const;
  private seq = 0;
  private count = 0;
  private bytes = 0;
  private deletedSinceCompact = 0;
  private backlog = 0;
  private readonly reads: PgSpanReads;
  private readonly refresher: NodeJS.Timeout;

  private constructor(readonly pool: pg.Pool) {
    this.reads = new PgSpanReads(pool);
    this.refresher = setInterval(() => void this.refresh().catch(() => {}), REFRESH_MS);
    this.refresher.unref();
  }

  /** Connects, applies pending migrations (or refuses a newer schema: SchemaTooNewError) and reads where the counters stand. */
  static async open(options: PostgresStoreOptions): Promise<PostgresSpanStore> {
    const pool = await openMigratedPool(options.url, { max: options.maxConnections ?? 10 });
    try {
      const store = new PostgresSpanStore(pool);
      await store.refresh();
      return store;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  private async refresh(): Promise<void> {
    const { rows } = await this.pool.query<{ seq: number; count: number; bytes: number }>(
      `SELECT (SELECT value FROM change_counter) AS seq, (SELECT count(*) FROM spans) AS count, ${RELATION_BYTES} AS bytes`,
    );
    const row = rows[0]!;
    this.seq = Math.max(this.seq, row.seq);
    this.count = row.count;
    this.bytes = row.bytes;
  }

  async write(spans: readonly EncodedSpan[]): Promise<Span[]> {
    if (spans.length === 0) return [];
    this.backlog += spans.length;
    try {
      return await this.writeWithRetries(spans);
    } finally {
      this.backlog -= spans.length;
    }
  }

  writeBacklog(): number {
    return this.backlog;
  }

  private async writeWithRetries(spans: readonly EncodedSpan[]): Promise<Span[]> {
    const values = spans.map(spanValues);
    const now = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await inTransaction(this.pool, (client) => writeBatch(client, values, now));
        // A fresh insert is the record as sent: no need to decode the row's JSON back.
        const written = spans.map((span, i) => (outcome.fresh[i] ? encodedToSpan(span, outcome.rows[i]!.seq) : rowToSpan(outcome.rows[i]!)));
        this.seq = Math.max(this.seq, outcome.firstSeq + spans.length - 1);
        this.count += outcome.inserted;
        return written;
      } catch (error) {
        if (attempt >= 5 || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  getSpan(spanId: string): Promise<Span | undefined> {
    return this.reads.getSpan(spanId);
  }

  async getTrace(traceId: string): Promise<Span[]> {
    const spans: Span[] = [];
    for await (const page of this.scanTrace(traceId, 1000)) for (const json of page) spans.push(JSON.parse(json) as Span);
    return spans;
  }

  scanTrace(traceId: string, pageSize: number): AsyncIterable<SpanJson[]> {
    return pages((after) => this.reads.tracePage(traceId, after, pageSize));
  }

  scanTraceOutline(traceId: string, pageSize: number): AsyncIterable<SpanOutline[]> {
    return pages((after) => this.reads.traceOutlinePage(traceId, after, pageSize));
  }

  scanSpans(query: Omit<SpanQuery, 'limit' | 'cursor'>, pageSize: number): AsyncIterable<SpanJson[]> {
    return pages((after) => this.reads.scanPage(query, after, pageSize));
  }

  usageByService(): Promise<Map<string, UsageTotals>> {
    return this.reads.usageByService();
  }

  listSpans(query: SpanQuery): Promise<Page<Span>> {
    return this.reads.listSpans(query);
  }

  listTraces(query: SpanQuery): Promise<Page<TraceSummary>> {
    return listTraces(this.pool, query);
  }

  listSessions(query: SpanQuery): Promise<Page<SessionSummary>> {
    return listSessions(this.pool, query);
  }

  listErrorGroups(query: ErrorGroupQuery): Promise<ErrorGroup[]> {
    return listErrorGroups(this.pool, query);
  }

  listAgentRuns(query: AgentRunQuery): Promise<Page<AgentRunSummary>> {
    return listAgentRuns(this.pool, query);
  }

  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]> {
    return this.reads.changesBetween(filter, after, upTo, limit);
  }

  recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]> {
    return this.reads.recentChanges(filter, upTo, limit);
  }

  replayStart(filter: SpanFilter, after: number, upTo: number, max: number): Promise<number> {
    return this.reads.replayStart(filter, after, upTo, max);
  }

  lastSeq(): number {
    return this.seq;
  }

  /** Tells the store about changes other hubs committed (the change feed reads them). */
  noteSeq(seq: number): void {
    if (seq > this.seq) this.seq = seq;
  }

  spanCount(): number {
    return this.count;
  }

  listAnnotations(query: AnnotationQuery): Promise<Page<Annotation>> {
    return listAnnotations(this.pool, query);
  }

  addAnnotation(annotation: NewAnnotation): Promise<Annotation> {
    return addAnnotation(this.pool, annotation, Date.now());
  }

  deleteAnnotation(id: number): Promise<boolean> {
    return deleteAnnotation(this.pool, id);
  }

  async recordHeartbeat(beat: InstanceBeat): Promise<void> {
    await this.pool.query(
      `WITH instance AS (
         INSERT INTO instances (service, instance_id, pid, host, language, runtime_version, sdk, dropped, last_seen)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (service, instance_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, language = excluded.language,
           runtime_version = excluded.runtime_version, sdk = excluded.sdk, dropped = excluded.dropped, last_seen = excluded.last_seen)
       INSERT INTO services (service, first_seen, last_seen) VALUES ($1, $9, $9)
       ON CONFLICT (service) DO UPDATE SET last_seen = GREATEST(services.last_seen, excluded.last_seen)`,
      [beat.service, beat.instanceId, beat.pid, beat.host, beat.language, beat.runtimeVersion, beat.sdk, JSON.stringify(beat.dropped), beat.time],
    );
  }

  listServices(): Promise<ServiceRow[]> {
    return this.reads.listServices();
  }

  pruneOlderThan(before: number): Promise<number> {
    return this.deleteOldest(before, Number.POSITIVE_INFINITY);
  }

  /**
   * Deletes the oldest spans until the tables would fit in `maxBytes`, estimated from the bytes
   * per span the tables hold now (PostgreSQL gives deleted space back only when compacted).
   */
  async pruneToSize(maxBytes: number): Promise<number> {
    await this.refresh();
    if (this.bytes <= maxBytes || this.count === 0) return 0;
    const perSpan = this.bytes / this.count;
    const keep = Math.floor((maxBytes / perSpan) * 0.95);
    return this.deleteOldest(null, Math.max(10, this.count - keep));
  }

  /** Chunk by chunk, each its own transaction: other writes commit in between. */
  private async deleteOldest(before: number | null, max: number): Promise<number> {
    let deleted = 0;
    while (deleted < max) {
      const want = Math.min(DELETE_CHUNK, max - deleted);
      const n = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ trace_id: string }>(
          `DELETE FROM spans WHERE id IN (SELECT id FROM spans WHERE $1::float8 IS NULL OR start_time < $1 ORDER BY start_time LIMIT $2)
           RETURNING trace_id`,
          [before, want],
        );
        const traces = [...new Set(rows.map((r) => r.trace_id))];
        await client.query('DELETE FROM traces t WHERE t.trace_id = ANY($1) AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id)', [traces]);
        return rows.length;
      });
      deleted += n;
      this.count -= n;
      this.deletedSinceCompact += n;
      if (n < want) break;
    }
    return deleted;
  }

  sizeBytes(): number {
    return this.bytes;
  }

  /**
   * Plain VACUUM (never blocks writers: freed space is reused by new rows). After a prune that
   * removed a large share of the spans (a size cap, or the first retention on old data), the tables
   * are rewritten (VACUUM FULL) to give the space back to the file system; that takes their
   * exclusive lock for the rewrite, and ingest pushes back (429) meanwhile.
   */
  async compact(): Promise<void> {
    const share = this.deletedSinceCompact / Math.max(1, this.count + this.deletedSinceCompact);
    await this.pool.query(share >= REWRITE_SHARE ? 'VACUUM FULL spans, traces' : 'VACUUM spans, traces');
    this.deletedSinceCompact = 0;
    await this.refresh();
  }

  async close(): Promise<void> {
    clearInterval(this.refresher);
    await this.pool.end();
  }
}

/** Bytes the hub's span tables occupy, indexes and TOAST included. */
const RELATION_BYTES = `(SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
  WHERE c.relname IN ('spans', 'traces', 'services', 'instances', 'annotations') AND c.relnamespace = current_schema()::regnamespace)`;

/** Pulls one page per iteration, so a consumer that stops pulling stops the reads. */
async function* pages<T>(read: (after: RowKey | null) => Promise<KeyPage<T>>): AsyncIterable<T[]> {
  let after: RowKey | null = null;
  do {
    const page: KeyPage<T> = await read(after);
    if (page.items.length > 0) yield page.items;
    after = page.next;
  } while (after);
}
