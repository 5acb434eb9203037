import { validateSpanRecords, type RecordRejection, type Span } from '@runtime-hub/protocol';
import type { EncodedSpan } from '../store/encoded-span.js';
import type { SpanStore } from '../store/store.js';
import { encodeSpan, type UsagePricer } from './encode.js';

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

/**
 * The one ingest path every source uses (HTTP, OTLP, JSONL files, hooks, workflow runs):
 * validate each record on its own, encode, persist in one transaction, then broadcast.
 * Persist-then-broadcast: a listener only ever sees what is already durable.
 */
export function createIngest(store: SpanStore, listeners: SpanListener[], pricing: { priceUsage?: UsagePricer } = {}) {
  return async function ingest(records: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
    const { valid, rejected } = validateSpanRecords(records);
    const encoded: EncodedSpan[] = [];
    for (const { index, record } of valid) {
      if (options.lossyUtf8 && containsReplacementChar(records[index])) {
        rejected.push({ index, code: 'INVALID_UTF8', message: 'record contains bytes that are not valid UTF-8' });
        continue;
      }
      const result = encodeSpan(record, pricing.priceUsage);
      if (result.ok) encoded.push(result.span);
      else rejected.push({ index, code: 'RECORD_TOO_LARGE', message: result.message });
    }
    rejected.sort((a, b) => a.index - b.index);
    const written = await store.write(encoded);
    for (const listener of listeners) listener(written);
    return { accepted: encoded.length, rejected };
  };
}

export type Ingest = ReturnType<typeof createIngest>;

function containsReplacementChar(value: unknown): boolean {
  return JSON.stringify(value).includes('\uFFFD');
}
