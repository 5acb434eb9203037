import type * as crypto from 'node:crypto';
import type { SpanState } from '../span.js';
import { builtin } from '../builtin.js';
import { encode } from './codec.js';

export const INPUT_HASH = 'runtime_hub.replay.input_hash';
export const RESULT = 'runtime_hub.replay.result';
export const ERROR = 'runtime_hub.replay.error';
export const SKIPPED = 'runtime_hub.replay.skipped';

/** JSON with object keys sorted, so equal values hash equal whatever order their keys were set in. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
    .join(',')}}`;
}

/** `sha256:` + 16 hex digits of the recorded input (the copy the span holds, as both runs capture it). */
export function inputHash(input: unknown): string {
  const { createHash } = builtin<typeof crypto>('node:crypto');
  return `sha256:${createHash('sha256').update(canonical(input ?? null)).digest('hex').slice(0, 16)}`;
}

/** Written straight into the attributes: setAttribute would cut the text at maxString. */
function put(span: SpanState, key: string, value: string): void {
  (span.attributes ??= {})[key] = value;
  span.bytes += key.length + value.length + 8;
}

/** At the start of a call whose result is kept: the hash of its input, before the input is let go. */
export function startKeeping(span: SpanState): void {
  try {
    span.replayKeep = true;
    put(span, INPUT_HASH, inputHash(span.input));
  } catch {
    span.replayKeep = false;
  }
}

/** The returned (or resolved: `{ $: "promise" }`) value, encoded for a replay. */
export function keepResult(span: SpanState, value: unknown, promise: boolean): void {
  try {
    const kept = encode(value, span.client.config.maxReplayBytes, span.client.redactor);
    if ('text' in kept) put(span, RESULT, promise ? `{"$":"promise","v":${kept.text}}` : kept.text);
    else put(span, SKIPPED, kept.skipped);
  } catch {
    // a kept result is a bonus; the call's own span goes on
  }
}

/** The thrown (or rejected: `{ $: "rejected" }`) value, encoded for a replay. */
export function keepError(span: SpanState, error: unknown, promise: boolean): void {
  try {
    const kept = encode(error, span.client.config.maxReplayBytes, span.client.redactor);
    if ('text' in kept) put(span, ERROR, promise ? `{"$":"rejected","v":${kept.text}}` : kept.text);
    else put(span, SKIPPED, kept.skipped);
  } catch {
    // as above
  }
}
