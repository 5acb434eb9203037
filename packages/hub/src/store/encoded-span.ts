import type { SpanError, SpanKind, SpanRecord, SpanStatus, SpanUsage } from '@runtime-hub/protocol';

/**
 * A validated span record with its JSON payloads serialized once, at ingest, so the store writes
 * text and the size limit is checked on exactly the bytes that are stored.
 */
export interface EncodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTime: number;
  endTime: number | null;
  status: SpanStatus;
  sessionId: string | null;
  inputJson: string | null;
  outputJson: string | null;
  errorJson: string | null;
  attributesJson: string | null;
  eventsJson: string | null;
  /** Fingerprint of type + message + top frame, for error groups; null without an error. */
  errorGroup: string | null;
  usage: SpanUsage;
  /** The record as received (normalized), to broadcast new spans without a read-back. */
  record: SpanRecord;
  error: SpanError | null;
}
