import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Span, SpanFilter } from '@runtime-hub/protocol';
import type { EncodedSpan } from '../encoded-span.js';
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
import type { AgentRunQuery, AgentRunSummary } from '../agent-runs.js';
import type { Annotation, AnnotationQuery, NewAnnotation } from '../annotations.js';
import { Checkpointer } from './checkpointer.js';
import { ReaderPool } from './reader-pool.js';
import { ensureFullTextIndex } from './full-text.js';
import { registerPayloadFunctions } from './payload-codec.js';
import { encodedToSpan, rowToSpan, spanValues } from './row-codec.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import type { KeyPage, RowKey } from './span-reader.js';
import { WriterClient } from './writer-client.js';

export interface SqliteStoreOptions {
  /** Path of the database file; created with its folder when missing. */
  file: string;
  /** Run WAL checkpoints on a background thread (default true). */
  backgroundCheckpoints?: boolean;
  /** Reader threads (default 2). */
  readers?: number;
  /** Keep the full-text index of span texts (default true; off only for bench/search's baseline). */
  fullTextIndex?: boolean;
  /**
   * The WAL file's bound while ingesting (default 16 MiB): past it, the writer checkpoints and
   * truncates the WAL between two batches. 0 leaves the WAL to the checkpoint thread alone.
   */
  walLimitBytes?: number;
}

/** Default WAL bound: a few seconds of a burst, and little next to a database of a few million spans. */
const WAL_LIMIT_BYTES = 16 * 1024 * 1024;

/** Spans one retention transaction deletes: small enough that a queued write waits milliseconds. */
const DELETE_CHUNK = 500;
/** Spans one step of building the full-text index for an older database indexes (one transaction). */
const BACKFILL_CHUNK = 1000;
/** Free pages one vacuum step returns to the file system (4 MB at 4 KiB pages). */
const VACUUM_STEP_PAGES = 1024;

/**
 * The embedded span store: one SQLite file in WAL mode, and no query on the caller's thread.
 * Writes go to a writer thread (writer-thread.ts), one transaction per batch, so SQLite's work
 * overlaps with parsing and validating the next request; reads go to a pool of reader threads
 * (reader-pool.ts), each with its own read-only connection, and long reads come back in bounded
 * pages. With synchronous=NORMAL a committed transaction survives a crash of the hub process,
 * which is the promise an acknowledgement makes. Queries are served from indexes; nothing groups
 * the whole spans table.
 */
export class SqliteSpanStore implements SpanStore {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  private seq: number;
  private count: number;
  private backlog = 0;
  private readonly writer: WriterClient;
  private readonly readers: ReaderPool;
  private readonly checkpointer: Checkpointer | undefined;
  private closing = false;
  private readonly backfill: Promise<void>;

  constructor(options: SqliteStoreOptions) {
    this.file = options.file;
    mkdirSync(dirname(options.file), { recursive: true });
    // Set-up only: this connection creates the schema, reads where the sequence stands, and closes.
    const db = new Database(options.file);
    let backfillPending: boolean;
    try {
      const isNew = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets pruning give
      // pages back to the file system without a full VACUUM.
      if (isNew.n === 0) db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      registerPayloadFunctions(db);
      backfillPending = ensureFullTextIndex(db, options.fullTextIndex !== false);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
      this.seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM spans').get() as { s: number }).s;
      this.count = (db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
    } finally {
      db.close();
    }
    const walLimitBytes = options.walLimitBytes ?? WAL_LIMIT_BYTES;
    this.checkpointer = options.backgroundCheckpoints === false ? undefined : new Checkpointer(options.file);
    this.writer = new WriterClient(options.file, this.seq, walLimitBytes, this.checkpointer?.signal);
    this.readers = new ReaderPool(options.file, options.readers ?? 2);
    this.backfill = backfillPending ? this.buildFullTextIndex() : Promise.resolve();
  }

  /**
   * Indexes the spans stored before the full-text index existed, chunk by chunk on the writer
   * thread, after the constructor returned: the hub answers at once, and writes commit between
   * chunks. A close stops it between chunks; the next start carries on where it stopped.
   */
  private async buildFullTextIndex(): Promise<void> {
    try {
      while (!this.closing && ((await this.writer.request({ op: 'fullTextBackfill', chunk: BACKFILL_CHUNK })) as number) > 0);
    } catch {
      // The writer failed or closed; writes report that themselves, and the next start resumes.
    }
  }

  /** Resolves when the full-text index holds every span stored before it existed (tests, benches). */
  fullTextIndexBuilt(): Promise<void> {
    return this.backfill;
  }

  async write(spans: readonly EncodedSpan[]): Promise<Span[]> {
    if (spans.length === 0) return [];
    this.backlog += spans.length;
    let outcome: Awaited<ReturnType<WriterClient['write']>>;
    try {
      outcome = await this.writer.write(spans.map(spanValues), Date.now());
    } finally {
      this.backlog -= spans.length;
    }
    const written = spans.map((span, i) => encodedToSpan(span, outcome.firstSeq + i));
    for (const [index, row] of outcome.merged) written[index] = rowToSpan(row);
    this.seq = outcome.firstSeq + spans.length - 1;
    this.count += outcome.inserted;
    return written;
  }

  getSpan(spanId: string): Promise<Span | undefined> {
    return this.readers.run('getSpan', spanId);
  }

  async getTrace(traceId: string): Promise<Span[]> {
    const spans: Span[] = [];
    for await (const page of this.scanTrace(traceId, 1000)) for (const json of page) spans.push(JSON.parse(json) as Span);
    return spans;
  }

  scanTrace(traceId: string, pageSize: number): AsyncIterable<SpanJson[]> {
    return this.pages((after) => this.readers.run('tracePage', traceId, after, pageSize));
  }

  scanTraceOutline(traceId: string, pageSize: number): AsyncIterable<SpanOutline[]> {
    return this.pages((after) => this.readers.run('traceOutlinePage', traceId, after, pageSize));
  }

  scanSpans(query: Omit<SpanQuery, 'limit' | 'cursor'>, pageSize: number): AsyncIterable<SpanJson[]> {
    return this.pages((after) => this.readers.run('scanPage', query, after, pageSize));
  }

  /** Pulls one page per iteration, so a consumer that stops pulling (backpressure) stops the reads. */
  private async *pages<T>(read: (after: RowKey | null) => Promise<KeyPage<T>>): AsyncIterable<T[]> {
    let after: RowKey | null = null;
    do {
      const page: KeyPage<T> = await read(after);
      if (page.items.length > 0) yield page.items;
      after = page.next;
    } while (after);
  }

  usageByService(): Promise<Map<string, UsageTotals>> {
    return this.readers.run('usageByService');
  }

  listSpans(query: SpanQuery): Promise<Page<Span>> {
    return this.readers.run('listSpans', query);
  }

  listTraces(query: SpanQuery): Promise<Page<TraceSummary>> {
    return this.readers.run('listTraces', query);
  }

  listSessions(query: SpanQuery): Promise<Page<SessionSummary>> {
    return this.readers.run('listSessions', query);
  }

  listAgentRuns(query: AgentRunQuery): Promise<Page<AgentRunSummary>> {
    return this.readers.run('listAgentRuns', query);
  }

  listErrorGroups(query: ErrorGroupQuery): Promise<ErrorGroup[]> {
    return this.readers.run('listErrorGroups', query);
  }

  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]> {
    return this.readers.run('changesBetween', filter, after, upTo, limit);
  }

  recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]> {
    return this.readers.run('recentChanges', filter, upTo, limit);
  }

  replayStart(filter: SpanFilter, after: number, upTo: number, max: number): Promise<number> {
    return this.readers.run('replayStart', filter, after, upTo, max);
  }

  listAnnotations(query: AnnotationQuery): Promise<Page<Annotation>> {
    return this.readers.run('listAnnotations', query);
  }

  async addAnnotation(annotation: NewAnnotation): Promise<Annotation> {
    return (await this.writer.request({ op: 'addAnnotation', annotation, now: Date.now() })) as Annotation;
  }

  async deleteAnnotation(id: number): Promise<boolean> {
    return (await this.writer.request({ op: 'deleteAnnotation', annotationId: id })) as boolean;
  }

  lastSeq(): number {
    return this.seq;
  }

  writeBacklog(): number {
    return this.backlog;
  }

  spanCount(): number {
    return this.count;
  }

  async recordHeartbeat(beat: InstanceBeat): Promise<void> {
    await this.writer.request({ op: 'heartbeat', beat });
  }

  listServices(): Promise<ServiceRow[]> {
    return this.readers.run('listServices');
  }

  pruneOlderThan(before: number): Promise<number> {
    return this.deleteOldest(before, Number.POSITIVE_INFINITY);
  }

  async pruneToSize(maxBytes: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const used = (await this.writer.request({ op: 'usedBytes' })) as number;
      if (used <= maxBytes || this.count <= 0) return deleted;
      // Estimate how many of the oldest spans hold the excess, from the average size per span;
      // a few rounds converge without deleting far more than needed.
      const excess = Math.ceil(((used - maxBytes) / used) * this.count * 1.05);
      const n = await this.deleteOldest(null, Math.max(10, excess));
      if (n === 0) return deleted;
      deleted += n;
    }
  }

  /** Deletes chunk by chunk, each its own writer request and transaction: ingest commits in between. */
  private async deleteOldest(before: number | null, max: number): Promise<number> {
    let deleted = 0;
    while (deleted < max) {
      const want = Math.min(DELETE_CHUNK, max - deleted);
      const n = (await this.writer.request({ op: 'deleteOldest', before, max: want })) as number;
      deleted += n;
      this.count -= n;
      if (n < want) break;
    }
    return deleted;
  }

  sizeBytes(): number {
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    return size(this.file) + size(`${this.file}-wal`);
  }

  async compact(): Promise<void> {
    // Step by step for the same reason as deleting: writes go through between steps.
    while (((await this.writer.request({ op: 'vacuumStep', pages: VACUUM_STEP_PAGES })) as number) > 0);
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await this.writer.request({ op: 'tryTruncateWal' })) as boolean) return;
      await sleep(20);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const readers = this.readers.close();
    await this.backfill; // stops after its current chunk
    await readers;
    await this.checkpointer?.stop();
    await this.writer.close();
  }
}
