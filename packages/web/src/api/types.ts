/**
 * Response shapes of the hub's query API. Span, service, trace, session and error-group types come
 * from the protocol package; only types cross the boundary, no runtime code.
 */
import type { ServiceInfo, SessionSummary, Span, SpanKind, SpanStatus, TraceSummary } from '@runtime-hub/protocol';

export type {
  ErrorGroup,
  InstanceInfo,
  ServiceInfo,
  SessionSummary,
  Span,
  SpanError,
  SpanEvent,
  SpanKind,
  SpanStatus,
  StackFrame,
  TraceSummary,
  UsageTotals,
} from '@runtime-hub/protocol';

/**
 * A span as a trace outline or the live channel gives it: no payloads (input, output, events,
 * attributes, error stack) until fetched. Live spans carry a one-line `inputPreview` instead.
 */
export type TraceSpan = Span & { partial?: true; inputPreview?: string };

/** `GET /api/v1/traces/:traceId/outline`; spans are [spanId, parentSpanId, service#, name#, kind, start, end, status, seq]. */
export interface TraceOutline {
  traceId: string;
  services: string[];
  names: string[];
  spans: [string, string | null, number, number, SpanKind, number, number | null, SpanStatus, number][];
}

export interface Health {
  status: string;
  version: string;
  uptimeS: number;
  store: string;
  spans: number;
}

export interface TracesPage {
  traces: TraceSummary[];
  nextCursor: string | null;
}

export interface SpansPage {
  spans: Span[];
  nextCursor: string | null;
}

export interface SessionsPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
}

export interface ServicesResponse {
  services: ServiceInfo[];
}

export interface IngestResult {
  accepted: number;
  rejected: { index: number; code: string; message: string }[];
}

/** A bookmark or a note on a span (GET /api/v1/spans/:spanId/annotations). */
export interface Annotation {
  id: number;
  spanId: string;
  traceId: string;
  kind: 'bookmark' | 'note';
  label?: string;
  text?: string;
  score?: number;
  createdAt: number;
}
