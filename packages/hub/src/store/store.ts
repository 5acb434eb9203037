import type { ErrorGroup, SessionSummary, Span, SpanFilter, SpanKind, SpanStatus, TraceSummary, UsageTotals } from '@runtime-hub/protocol';

export type { ErrorGroup, SessionSummary, TraceSummary, UsageTotals };
import type { AgentRunQuery, AgentRunSummary } from './agent-runs.js';
import type { Annotation, AnnotationQuery, NewAnnotation } from './annotations.js';
import type { EncodedSpan } from './encoded-span.js';

/**
 * The span store contract. The hub core talks only to this interface; SQLite (embedded default)
 * implements it today, PostgreSQL (scaled mode) implements the same contract and runs the same
 * conformance suite (`store-conformance.ts`).
 */
export interface SpanStore {
  readonly kind: 'sqlite' | 'postgres';

  /**
   * Upserts records by spanId in one transaction and returns the merged state of every span the
   * batch touched, each with its new change sequence number. Resolves only once the batch is
   * durable against a crash of the hub process.
   */
  write(spans: readonly EncodedSpan[]): Promise<Span[]>;

  getSpan(spanId: string): Promise<Span | undefined>;
  /** All spans of a trace ordered by start time; empty when the trace is unknown. Small traces only: it holds them all. */
  getTrace(traceId: string): Promise<Span[]>;
  /**
   * A trace's spans ordered by start time, page by page, as JSON text: what a reply streams, so
   * memory stays flat and the event loop free whatever the trace's size.
   */
  scanTrace(traceId: string, pageSize: number): AsyncIterable<SpanJson[]>;
  /**
   * Every span of a trace without its payloads, ordered by start time, page by page: what a
   * waterfall of a 100,000-span trace needs, at a fraction of the cost of `scanTrace`.
   */
  scanTraceOutline(traceId: string, pageSize: number): AsyncIterable<SpanOutline[]>;
  /** Tokens and cost summed per service over the spans stored (optional: the services list shows usage when present). */
  usageByService?(): Promise<Map<string, UsageTotals>>;
  listSpans(query: SpanQuery): Promise<Page<Span>>;
  listTraces(query: SpanQuery): Promise<Page<TraceSummary>>;
  listSessions(query: SpanQuery): Promise<Page<SessionSummary>>;
  listErrorGroups(query: ErrorGroupQuery): Promise<ErrorGroup[]>;
  /** Agent runs and sessions, newest first (optional: `GET /api/v1/agents` answers 501 without it). */
  listAgentRuns?(query: AgentRunQuery): Promise<Page<AgentRunSummary>>;
  /** Pages through every span matching the query, oldest first, as JSON text, for streamed exports. */
  scanSpans(query: Omit<SpanQuery, 'limit' | 'cursor'>, pageSize: number): AsyncIterable<SpanJson[]>;

  /** Spans changed after `after` and at most `upTo`, in change order (live replay). */
  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]>;
  /** The newest `limit` matching spans with seq ≤ upTo, in change order (live history). */
  recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]>;
  /**
   * Where a replay of the changes in (after, upTo] must start so that it sends at most `max`
   * spans, the newest: `after` itself when no more than `max` match (live history cap).
   */
  replayStart(filter: SpanFilter, after: number, upTo: number, max: number): Promise<number>;
  /** The highest change sequence number written so far. */
  lastSeq(): number;
  /**
   * Spans handed to `write` and not committed yet: the writer's queue. Ingest pushes back (429
   * INGEST_BUSY) while it is deeper than `maxWriteBacklog` instead of buffering without bound.
   */
  writeBacklog(): number;
  /** Number of spans stored (kept current without a full count). */
  spanCount(): number;

  /** Bookmarks and notes on spans, newest first. */
  listAnnotations(query: AnnotationQuery): Promise<Page<Annotation>>;
  /** Stores an annotation; a second bookmark on a span answers the first one. */
  addAnnotation(annotation: NewAnnotation): Promise<Annotation>;
  /** False when no annotation has this id. */
  deleteAnnotation(id: number): Promise<boolean>;

  recordHeartbeat(beat: InstanceBeat): Promise<void>;
  /** Services with their instances, most recently seen first. */
  listServices(): Promise<ServiceRow[]>;

  /**
   * Deletes spans that started before `before`, oldest first; returns how many. Deletes run in
   * small transactions with writes let through between them, so ingest never waits on retention.
   */
  pruneOlderThan(before: number): Promise<number>;
  /** Deletes the oldest spans until the database holds at most `maxBytes`; returns how many. */
  pruneToSize(maxBytes: number): Promise<number>;
  /** Bytes the database occupies on disk. */
  sizeBytes(): number;
  /** Returns free pages to the file system. */
  compact(): Promise<void>;

  close(): Promise<void>;
}

/**
 * A span without payloads: [spanId, parentSpanId, service, name, kind, startTime, endTime, status,
 * seq]. A tuple, because building and sending 100,000 objects costs several times more.
 */
/** A span serialized as JSON text: the document `JSON.stringify(span)` gives for a `Span`. */
export type SpanJson = string;

export type SpanOutline = [string, string | null, string, string, SpanKind, number, number | null, SpanStatus, number];

export interface SpanQuery extends SpanFilter {
  /** Text contained in the name (case-insensitive). */
  q?: string;
  /** Start time bounds, epoch ms (inclusive). */
  from?: number;
  to?: number;
  minDurationMs?: number;
  errorGroup?: string;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ErrorGroupQuery {
  service?: string;
  /** Full-text search: groups with a failed span holding the words (api.md, Search). */
  q?: string;
  from?: number;
  to?: number;
  /** Width of a trend bucket in ms. */
  bucketMs: number;
  limit: number;
}


export interface InstanceBeat {
  service: string;
  instanceId: string;
  pid: number | null;
  host: string | null;
  language: string | null;
  runtimeVersion: string | null;
  sdk: string | null;
  dropped: Record<string, number>;
  time: number;
}

export interface ServiceRow {
  service: string;
  firstSeen: number;
  lastSeen: number;
  instances: Omit<InstanceBeat, 'service'>[];
}
