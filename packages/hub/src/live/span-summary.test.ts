import { describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import { previewJson, rememberInputJson, summarize } from './span-summary.js';

describe('previewJson', () => {
  it('is JSON.stringify for values that fit, a string input as itself', () => {
    const values: unknown[] = [{ args: [1, 'two', true, null], kwargs: { a: { b: [] }, skip: undefined } }, [1.5, -2, 'é"\\n'], null, 42, false, 'plain text'];
    for (const value of values) expect(previewJson(value, 1000)).toBe(typeof value === 'string' ? value : JSON.stringify(value));
  });

  it('cuts after max characters with an ellipsis, also inside a long string', () => {
    const value = { items: Array.from({ length: 10_000 }, (_, i) => ({ id: i, sku: `SKU-${i}` })) };
    expect(previewJson(value, 120)).toBe(`${JSON.stringify(value).slice(0, 120)}…`);
    const long = { prompt: 'x'.repeat(1_000_000) };
    expect(previewJson(long, 50)).toBe(`${JSON.stringify(long).slice(0, 50)}…`);
    expect(previewJson('y'.repeat(200), 10)).toBe(`${'y'.repeat(10)}…`);
  });

  it('a summary previews the text ingest serialized the input to, the same as walking it', () => {
    const input = { items: Array.from({ length: 50 }, (_, i) => ({ id: i })) };
    const span = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, service: 's', name: 'n', kind: 'function', startTime: 1, endTime: 2, durationMs: 1, status: 'ok', sessionId: null, seq: 1 } satisfies Span;
    const walked = summarize({ ...span, input }).inputPreview;
    const remembered = { ...input };
    // A stand-in text proves the remembered one is used rather than a second walk.
    rememberInputJson(remembered, `${JSON.stringify(input).slice(0, 60)}<remembered>`);
    expect(summarize({ ...span, input: remembered }).inputPreview).toBe(`${JSON.stringify(input).slice(0, 60)}<remembered>`);
    expect(walked).toBe(`${JSON.stringify(input).slice(0, 120)}…`);
  });
});
