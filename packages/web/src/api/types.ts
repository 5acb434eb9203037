/**
 * Response shapes of the hub's query API (see packages/hub/src/store/store.ts). Span and service
 * types come from the protocol package; only types cross the boundary, no runtime code.
 */
import type { ServiceInfo, Span, SpanKind, SpanStatus } from '@runtime-hub/protocol';

export type { InstanceInfo, ServiceInfo, Span, SpanError, SpanEvent, SpanKind, SpanStatus, StackFrame } from '@runtime-hub/protocol';

/** A span as a trace outline gives it: no payloads (input, output, error, attributes) until fetched. */
export type TraceSpan = Span & { partial?: true };

/** `GET /api/v1/traces/:traceId/outline`; spans are [spanId, parentSpanId, service#, name#, kind, start, end, status, seq]. */
export interface TraceOutline {
  traceId: string;
  services: string[];
  names: string[];
  spans: [string, string | null, number, number, SpanKind, number, number | null, SpanStatus, number][];
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

export interface TraceSummary {
  traceId: string;
  name: string;
  service: string;
  kind: SpanKind;
  sessionId: string | null;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  spanCount: number;
  errorCount: number;
  status: SpanStatus;
  usage: UsageTotals;
}

export interface SessionSummary {
  sessionId: string;
  services: string[];
  traceCount: number;
  errorCount: number;
  firstSeen: number;
  lastSeen: number;
  usage: UsageTotals;
}

export interface ErrorGroup {
  id: string;
  type: string;
  message: string;
  topFrame: string | null;
  count: number;
  firstSeen: number;
  lastSeen: number;
  services: string[];
  lastSpanId: string;
  lastTraceId: string;
  trend: number[];
  trendFrom: number;
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
