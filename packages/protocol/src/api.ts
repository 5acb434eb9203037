import type { SpanKind, SpanStatus } from './span.js';

/**
 * Response shapes of the query API (`GET /api/v1/traces`, `/sessions`, `/errors`), shared by the
 * hub that produces them and the dashboard that reads them.
 */

/**
 * Tokens and cost summed over many spans; costUsd is null when no span had a known price.
 * `unpricedCalls` counts the spans with tokens but no price (a model missing from the price
 * table, or no model named): when it is above 0, costUsd is only part of the real cost and
 * `costPartial` is true, so a client never shows a fraction as the total.
 */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  unpricedCalls: number;
  costPartial: boolean;
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

/**
 * An agent run: a trace whose root is an agent span or that holds LLM calls — a Claude Code
 * session (one trace per session), an OTLP GenAI `invoke_agent` trace, an SDK run.
 */
export interface AgentRunSummary {
  traceId: string;
  name: string;
  service: string;
  kind: string;
  sessionId: string | null;
  startTime: number;
  /** Last end seen in the trace (or start when nothing ended yet). */
  endTime: number | null;
  durationMs: number | null;
  /** The root has not ended, or a span of the run is still open. */
  running: boolean;
  /** Distinct models of its LLM calls, most used first. */
  models: string[];
  /** Claude Code prompts (`turn: …` agent spans); for other runs the LLM calls. */
  turns: number;
  llmCalls: number;
  toolCalls: number;
  /** Agent spans under the root other than turns: subagents. */
  subagents: number;
  spanCount: number;
  errorCount: number;
  usage: UsageTotals;
}
