import type { Span, SpanKind, SpanStatus, SpanUsage } from '@runtime-hub/protocol';
import type { EncodedSpan } from '../encoded-span.js';
import { payloadText, type StoredPayload } from './payload-codec.js';

/** A row of the spans table as better-sqlite3 returns it (payloads as stored: payload-codec.ts). */
export interface SpanRow {
  id: number;
  span_id: string;
  trace_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  kind: string;
  start_time: number;
  end_time: number | null;
  status: string;
  session_id: string | null;
  input: StoredPayload;
  output: StoredPayload;
  error: StoredPayload;
  attributes: StoredPayload;
  events: StoredPayload;
  error_group: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  seq: number;
}

/**
 * A span's column values in SPAN_COLUMNS order, without `seq` (the writer assigns it): plain
 * strings and numbers, cheap to post to the writer thread.
 */
export type SpanValues = [
  spanId: string,
  traceId: string,
  parentSpanId: string | null,
  service: string,
  name: string,
  kind: string,
  startTime: number,
  endTime: number | null,
  status: string,
  sessionId: string | null,
  input: string | null,
  output: string | null,
  error: string | null,
  attributes: string | null,
  events: string | null,
  errorGroup: string | null,
  model: string | null,
  inputTokens: number | null,
  outputTokens: number | null,
  costUsd: number | null,
];

export function spanValues(span: EncodedSpan): SpanValues {
  return [
    span.spanId,
    span.traceId,
    span.parentSpanId,
    span.service,
    span.name,
    span.kind,
    span.startTime,
    span.endTime,
    span.status,
    span.sessionId,
    span.inputJson,
    span.outputJson,
    span.errorJson,
    span.attributesJson,
    span.eventsJson,
    span.errorGroup,
    span.usage.model ?? null,
    span.usage.inputTokens ?? null,
    span.usage.outputTokens ?? null,
    span.usage.costUsd ?? null,
  ];
}

export function rowToSpan(row: SpanRow): Span {
  const span: Span = {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    service: row.service,
    name: row.name,
    kind: row.kind as SpanKind,
    startTime: row.start_time,
    endTime: row.end_time,
    durationMs: row.end_time === null ? null : row.end_time - row.start_time,
    status: row.status as SpanStatus,
    sessionId: row.session_id,
    seq: row.seq,
  };
  if (row.input !== null) span.input = JSON.parse(payloadText(row.input)!);
  if (row.output !== null) span.output = JSON.parse(payloadText(row.output)!);
  if (row.error !== null) span.error = JSON.parse(payloadText(row.error)!);
  if (row.attributes !== null) span.attributes = JSON.parse(payloadText(row.attributes)!);
  if (row.events !== null) span.events = JSON.parse(payloadText(row.events)!);
  const usage = rowUsage(row);
  if (usage) span.usage = usage;
  return span;
}

/** The span a freshly inserted record became, without reading it back. */
export function encodedToSpan(encoded: EncodedSpan, seq: number): Span {
  const { record } = encoded;
  const span: Span = {
    traceId: encoded.traceId,
    spanId: encoded.spanId,
    parentSpanId: encoded.parentSpanId,
    service: encoded.service,
    name: encoded.name,
    kind: encoded.kind,
    startTime: encoded.startTime,
    endTime: encoded.endTime,
    durationMs: encoded.endTime === null ? null : encoded.endTime - encoded.startTime,
    status: encoded.status,
    sessionId: encoded.sessionId,
    seq,
  };
  if (record.input !== undefined) span.input = record.input;
  if (record.output !== undefined) span.output = record.output;
  if (encoded.error) span.error = encoded.error;
  if (encoded.attributesJson !== null) span.attributes = record.attributes;
  if (encoded.eventsJson !== null) span.events = record.events;
  if (Object.keys(encoded.usage).length > 0) span.usage = encoded.usage;
  return span;
}

function rowUsage(row: SpanRow): SpanUsage | undefined {
  if (row.model === null && row.input_tokens === null && row.output_tokens === null && row.cost_usd === null) return undefined;
  const usage: SpanUsage = {};
  if (row.model !== null) usage.model = row.model;
  if (row.input_tokens !== null) usage.inputTokens = row.input_tokens;
  if (row.output_tokens !== null) usage.outputTokens = row.output_tokens;
  if (row.cost_usd !== null) usage.costUsd = row.cost_usd;
  return usage;
}
