import type { SpanKind, SpanStatus } from './span.js';

/**
 * Response shapes of the query API (`GET /api/v1/traces`, `/sessions`, `/errors`), shared by the
 * hub that produces them and the dashboard that reads them.
 */

/** Tokens and cost summed over many spans; costUsd is null when no span had a known price. */
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
  /** Root span's duration when it has ended, else null (running). */
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
  /** The most recent occurrence, to open directly. */
  lastSpanId: string;
  lastTraceId: string;
  /** Occurrences per bucket, oldest first, covering [trendFrom, lastSeen]. */
  trend: number[];
  trendFrom: number;
}
