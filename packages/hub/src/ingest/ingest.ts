import type { RecordRejection, Span } from '@runtime-hub/protocol';
import { containsReplacementChar } from '../http/utf8.js';
import { rememberInputJson } from '../live/span-summary.js';
import type { EncodedSpan } from '../store/encoded-span.js';
import type { SpanStore } from '../store/store.js';
import { encodeSpan, type UsagePricer } from './encode.js';
import { validateInSlices } from './sliced-validation.js';

export interface IngestResult {
  accepted: number;
  rejected: RecordRejection[];
}

export interface IngestOptions {
  /**
   * The request body held bytes that were not valid UTF-8 and were decoded with replacement
   * characters: records containing U+FFFD are rejected rather than stored garbled.
   */
  lossyUtf8?: boolean;
}

/** Receives every span the store committed, in commit order (the live channel, presence). */
export type SpanListener = (spans: readonly Span[]) => void;

/** Sees each ingest call's outcome and how long its store write took (GET /metrics). */
export type IngestObserver = (result: IngestResult, writeMs: number) => void;

/**
 * The one ingest path every source uses (HTTP, OTLP, JSONL files, hooks, workflow runs):
 * validate each record on its own, encode, persist in one transaction, then broadcast.
 * Persist-then-broadcast: a listener only ever sees what is already durable.
 */
export function createIngest(store: SpanStore, listeners: SpanListener[], pricing: { priceUsage?: UsagePricer } = {}, observers: readonly IngestObserver[] = []) {
  return async function ingest(records: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
    const { valid, rejected } = await validateInSlices(records);
    const encoded: { index: number; span: EncodedSpan }[] = [];
    for (const { index, record } of valid) {
      if (options.lossyUtf8 && containsReplacementChar(records[index])) {
        rejected.push({ index, code: 'INVALID_UTF8', message: 'record contains bytes that are not valid UTF-8' });
        continue;
      }
      const result = encodeSpan(record, pricing.priceUsage);
      if (result.ok) encoded.push({ index, span: result.span });
      else rejected.push({ index, code: 'RECORD_TOO_LARGE', message: result.message });
    }
    const writeStart = performance.now();
    const stored = await store.write(encoded.map((e) => e.span));
    const writeMs = performance.now() - writeStart;
    // A spanId names one span of one trace: a record that reuses it under another trace is
    // refused (the store left the span as it was and hands it back with its own traceId).
    const written: Span[] = [];
    for (let i = 0; i < stored.length; i++) {
      const span = stored[i]!;
      const { index, span: record } = encoded[i]!;
      if (span.traceId === record.traceId) {
        written.push(span);
        // The live summary previews the input from the text encoded once here (a merged span's
        // input is a new object read back from the row: it is previewed by walking it).
        if (record.inputJson !== null && span.input === record.record.input) rememberInputJson(span.input, record.inputJson);
      } else rejected.push({ index, code: 'SPAN_ID_CONFLICT', message: `spanId ${record.spanId} already belongs to another trace; span ids must be unique across traces` });
    }
    rejected.sort((a, b) => a.index - b.index);
    if (written.length > 0) for (const listener of listeners) listener(written);
    const result = { accepted: written.length, rejected };
    for (const observe of observers) observe(result, writeMs);
    return result;
  };
}

export type Ingest = ReturnType<typeof createIngest>;
