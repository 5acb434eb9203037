import { SPAN_LIMITS, type Attributes, type SpanRecord, type SpanUsage } from '@runtime-hub/protocol';
import type { EncodedSpan } from '../store/encoded-span.js';
import { errorGroupOf } from '../store/error-group.js';
import { deriveUsage } from './usage.js';

export type EncodeResult = { ok: true; span: EncodedSpan } | { ok: false; message: string };

/** Adds the cost to usage derived from a span's attributes (the hub's price table). */
export type UsagePricer = (usage: SpanUsage, attributes: Attributes | undefined) => SpanUsage;

/** Serializes a validated record's payloads once and enforces the per-record size limit. */
export function encodeSpan(record: SpanRecord, priceUsage?: UsagePricer): EncodeResult {
  const inputJson = toJson(record.input);
  const outputJson = toJson(record.output);
  const errorJson = record.error ? JSON.stringify(record.error) : null;
  const attributesJson = record.attributes && Object.keys(record.attributes).length > 0 ? JSON.stringify(record.attributes) : null;
  const eventsJson = record.events && record.events.length > 0 ? JSON.stringify(record.events) : null;

  // Character counts bound UTF-8 bytes from below; multiply by 3 only when close to the limit.
  const chars =
    (inputJson?.length ?? 0) +
    (outputJson?.length ?? 0) +
    (errorJson?.length ?? 0) +
    (attributesJson?.length ?? 0) +
    (eventsJson?.length ?? 0);
  if (chars > SPAN_LIMITS.maxRecordBytes / 3) {
    const bytes = [inputJson, outputJson, errorJson, attributesJson, eventsJson].reduce(
      (sum, text) => sum + (text ? Buffer.byteLength(text) : 0),
      0,
    );
    if (bytes > SPAN_LIMITS.maxRecordBytes) {
      return {
        ok: false,
        message: `record payloads are ${bytes} bytes; the limit is ${SPAN_LIMITS.maxRecordBytes} (truncate input/output at the sender)`,
      };
    }
  }

  const error = record.error ?? null;
  return {
    ok: true,
    span: {
      traceId: record.traceId,
      spanId: record.spanId,
      parentSpanId: record.parentSpanId ?? null,
      service: record.service,
      name: record.name,
      kind: record.kind,
      startTime: record.startTime,
      endTime: record.endTime ?? null,
      // An error without an explicit status is an error, not an unknown outcome.
      status: error && record.status === 'unset' ? 'error' : record.status,
      sessionId: record.sessionId ?? null,
      inputJson,
      outputJson,
      errorJson,
      attributesJson,
      eventsJson,
      errorGroup: error ? errorGroupOf(error) : null,
      usage: priceUsage ? priceUsage(deriveUsage(record.attributes), record.attributes) : deriveUsage(record.attributes),
      record,
      error,
    },
  };
}

function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value);
}
