import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { InstanceBeat } from '../store.js';
import { FullTextWriter } from './full-text.js';
import { packPayload, payloadText, registerPayloadFunctions } from './payload-codec.js';
import type { SpanRow, SpanValues } from './row-codec.js';
import { INSERT_SPAN, MERGE_SPAN, SELECT_SPAN, SPAN_PARAMS, TOUCH_SERVICE, UPSERT_INSTANCE, UPSERT_TRACE } from './statements.js';
import { COPIED, IDLE, REQUESTED, WAL_STATE } from './wal-signal.js';

/** What a write tells the caller: the batch's sequence numbers and the rows that were merged. */
export interface WriteOutcome {
  /** The i-th span of the batch got `firstSeq + i`. */
  firstSeq: number;
  /** Spans that existed already, by batch index, with their merged row. */
  merged: [index: number, row: SpanRow][];
  /** Spans that were new. */
  inserted: number;
}

/** The fields of a span that fold into its trace's summary row. */
interface TraceFold {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  kind: string;
  sessionId: string | null;
  startTime: number;
  endTime: number | null;
  status: string;
}

/**
 * Every write to the spans database, on one connection: the writer thread runs it so that SQLite's
 * work overlaps with parsing and validation on the main thread. Synchronous by design.
 */
export class SpanWriter {
  private seq: number;
  private readonly insertSpan: Database.Statement;
  private readonly mergeSpan: Database.Statement;
  private readonly selectSpan: Database.Statement;
  private readonly upsertTrace: Database.Statement;
  private readonly touchService: Database.Statement;
  private readonly upsertInstance: Database.Statement;
  private readonly writeBatch: (batch: readonly SpanValues[], now: number) => WriteOutcome;
  private readonly fullText: FullTextWriter;

  /**
   * @param walLimitBytes once a committed batch leaves the WAL file bigger than this, the WAL is
   *   checkpointed and truncated (0: never; then only the checkpoint thread's PASSIVE rounds run).
   * @param walSignal shared with the checkpoint thread (Checkpointer), which then does that work;
   *   without it the writer does it itself.
   */
  constructor(
    private readonly db: Database.Database,
    lastSeq: number,
    private readonly walLimitBytes = 0,
    private readonly walSignal?: Int32Array,
  ) {
    // The full-text triggers and the attribute merge call these SQL functions on this connection.
    registerPayloadFunctions(db);
    this.seq = lastSeq;
    this.insertSpan = db.prepare(INSERT_SPAN);
    this.mergeSpan = db.prepare(MERGE_SPAN);
    this.selectSpan = db.prepare(SELECT_SPAN);
    this.upsertTrace = db.prepare(UPSERT_TRACE);
    this.touchService = db.prepare(TOUCH_SERVICE);
    this.upsertInstance = db.prepare(UPSERT_INSTANCE);
    this.fullText = new FullTextWriter(db);
    this.writeBatch = db.transaction((batch: readonly SpanValues[], now: number) => this.writeInTransaction(batch, now));
  }

  write(batch: readonly SpanValues[], now: number): WriteOutcome {
    const before = this.seq;
    let outcome: WriteOutcome;
    try {
      outcome = this.writeBatch(batch, now);
    } catch (error) {
      this.seq = before; // the transaction rolled back, so do the numbers
      throw error;
    }
    this.boundWal();
    return outcome;
  }

  /**
   * Keeps the WAL file within its limit while spans pour in. The checkpoint thread's PASSIVE
   * checkpoints copy most of the WAL back meanwhile, but under a steady stream of writes the WAL
   * never empties, so SQLite never starts it over and the file grows with the burst.
   *
   * With a checkpoint thread, the writer asks it to copy the WAL back when the limit is passed,
   * then truncates it between two batches, copying only what came since (checkpointer.ts); it does
   * the whole of it only if that thread falls far behind. Without one, the writer copies what is
   * left and truncates the file here. It does not wait for readers (busy: the next batch tries
   * again) until the WAL is twice its limit (or far past it), then up to WAL_WAIT_MS.
   */
  private boundWal(): void {
    if (this.walLimitBytes <= 0) return;
    let size: number;
    try {
      size = statSync(`${this.db.name}-wal`).size;
    } catch {
      return;
    }
    if (size <= this.walLimitBytes) return;
    if (this.walSignal) {
      const signal = this.walSignal;
      const far = size > WRITER_STEPS_IN * this.walLimitBytes;
      if ((Atomics.load(signal, 0) & WAL_STATE) !== COPIED) {
        if (Atomics.compareExchange(signal, 0, IDLE, REQUESTED) === IDLE) Atomics.notify(signal, 0);
        if (!far) return;
        // Far behind (the checkpoint thread starved of CPU): wait for its copy, up to WAL_WAIT_MS.
        Atomics.wait(signal, 0, REQUESTED, WAL_WAIT_MS);
      }
      // Most of it is copied back: only what came since is left to copy.
      if (this.tryTruncateWal(far ? WAL_WAIT_MS : 0)) Atomics.compareExchange(signal, 0, COPIED, IDLE);
      return;
    }
    this.tryTruncateWal(size > 2 * this.walLimitBytes ? WAL_WAIT_MS : 0);
  }

  private writeInTransaction(batch: readonly SpanValues[], now: number): WriteOutcome {
    const outcome: WriteOutcome = { firstSeq: this.seq + 1, merged: [], inserted: 0 };
    const folds: TraceFold[] = [];
    this.fullText.begin();
    for (let i = 0; i < batch.length; i++) {
      const values = batch[i]!;
      const seq = ++this.seq;
      const stored = packValues(values);
      if (this.insertSpan.run(...stored, seq).changes === 1) {
        outcome.inserted++;
        folds.push(foldOfValues(values));
      } else {
        const params: Record<string, unknown> = { seq };
        for (let p = 0; p < stored.length; p++) params[SPAN_PARAMS[p]!] = stored[p];
        params.attributes = values[ATTRIBUTES]; // merged as JSON text in the statement
        const row = this.mergeSpan.get(params) as StoredRow | undefined;
        if (row) {
          outcome.merged.push([i, unpackRow(row)]);
          folds.push(foldOfRow(row));
        } else {
          // The spanId belongs to another trace: nothing changes; the stored span goes back so
          // that ingest sees the other traceId and rejects the record (SPAN_ID_CONFLICT).
          outcome.merged.push([i, unpackRow(this.selectSpan.get(values[0]) as StoredRow)]);
        }
      }
    }
    this.updateTraces(folds);
    for (const service of new Set(folds.map((f) => f.service))) this.touchService.run(service, now, now);
    this.fullText.indexNew();
    return outcome;
  }

  /** Folds the batch's merged spans into one upsert per trace. */
  private updateTraces(folds: readonly TraceFold[]): void {
    const byTrace = new Map<string, Record<string, unknown>>();
    for (const span of folds) {
      let trace = byTrace.get(span.traceId);
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
      if (span.parentSpanId === null) {
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

  recordHeartbeat(beat: InstanceBeat): void {
    this.db.transaction(() => {
      this.upsertInstance.run({ ...beat, dropped: JSON.stringify(beat.dropped) });
      this.touchService.run(beat.service, beat.time, beat.time);
    })();
  }

  /**
   * Deletes up to `max` of the oldest spans — those that started before `before`, when given —
   * and the traces they leave empty, in one transaction. Retention calls it in a loop with small
   * `max`, so the writes queued behind each call commit between chunks.
   */
  deleteOldest(before: number | null, max: number): number {
    return this.db.transaction(() => this.deleteInTransaction(before, max))();
  }

  private deleteInTransaction(before: number | null, max: number): number {
    const condition = before === null ? '' : 'WHERE start_time < ?';
    const deleted = this.db
      .prepare(`DELETE FROM spans WHERE id IN (SELECT id FROM spans ${condition} ORDER BY start_time LIMIT ?) RETURNING trace_id AS traceId, span_id AS spanId`)
      .all(...(before === null ? [] : [before]), max) as { traceId: string; spanId: string }[];
    const emptied = this.db.prepare('DELETE FROM traces WHERE trace_id = ? AND NOT EXISTS (SELECT 1 FROM spans WHERE trace_id = ?)');
    for (const traceId of new Set(deleted.map((d) => d.traceId))) emptied.run(traceId, traceId);
    // Bookmarks and notes go with their span (one index lookup each; most spans have none).
    const annotations = this.db.prepare('DELETE FROM annotations WHERE span_id = ?');
    for (const { spanId } of deleted) annotations.run(spanId);
    return deleted.length;
  }

  /** Bytes held by live pages: what pruning can actually reduce. */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /** Returns up to `pages` free pages to the file system; answers how many free pages remain. */
  vacuumStep(pages: number): number {
    this.db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
    return this.db.pragma('freelist_count', { simple: true }) as number;
  }

  /**
   * One attempt to checkpoint the whole WAL and truncate it; false when the checkpoint thread or a
   * reader was in the way. It waits for them at most `waitMs` (busy_timeout for this call): a
   * TRUNCATE checkpoint would otherwise hold this thread, and every write behind it, until reads end.
   */
  tryTruncateWal(waitMs = 0): boolean {
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma(`busy_timeout = ${waitMs}`);
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      return !result || result.busy === 0;
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.truncateWal();
    this.db.close();
  }

  /**
   * Checkpoints the whole WAL and truncates it, at close. The checkpoint thread may hold the
   * checkpoint lock for a moment, in which case SQLite answers "busy" instead of waiting: retry briefly.
   */
  private truncateWal(): void {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let attempt = 0; attempt < 50 && !this.tryTruncateWal(); attempt++) Atomics.wait(pause, 0, 0, 20);
  }
}

/** How long the writer waits for the checkpoint thread and readers when it truncates the WAL itself. */
const WAL_WAIT_MS = 100;
/** With a checkpoint thread, the WAL size (in limits) at which the writer truncates it itself. */
export const WRITER_STEPS_IN = 4;

/** Positions of the payload columns in SpanValues. */
const PAYLOADS = [10, 11, 12, 13, 14] as const;
const ATTRIBUTES = 13;

/** A span's values as stored: large payloads compressed. */
function packValues(values: SpanValues): unknown[] {
  const stored: unknown[] = values.slice();
  for (const p of PAYLOADS) stored[p] = packPayload(values[p] as string | null);
  return stored;
}

/** A spans row as SQLite returns it: payload columns may be compressed. */
type StoredRow = SpanRow;

/** A stored row with its payloads as JSON text, which is what a write answers with. */
function unpackRow(row: StoredRow): SpanRow {
  return {
    ...row,
    input: payloadText(row.input),
    output: payloadText(row.output),
    error: payloadText(row.error),
    attributes: payloadText(row.attributes),
    events: payloadText(row.events),
  };
}

function foldOfValues(v: SpanValues): TraceFold {
  return { spanId: v[0], traceId: v[1], parentSpanId: v[2], service: v[3], name: v[4], kind: v[5], startTime: v[6], endTime: v[7], status: v[8], sessionId: v[9] };
}

function foldOfRow(row: StoredRow): TraceFold {
  return {
    spanId: row.span_id,
    traceId: row.trace_id,
    parentSpanId: row.parent_span_id,
    service: row.service,
    name: row.name,
    kind: row.kind,
    startTime: row.start_time,
    endTime: row.end_time,
    status: row.status,
    sessionId: row.session_id,
  };
}
