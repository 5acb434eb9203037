import { describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import { PluginBatch } from './plugin-host.js';

const span: Span = {
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  parentSpanId: null,
  service: 'shop',
  name: 'checkout',
  kind: 'function',
  startTime: 1000,
  endTime: 1040,
  durationMs: 40,
  status: 'error',
  sessionId: null,
  input: { cart: [1, 2] },
  output: null,
  error: { type: 'ValueError', message: 'empty cart', stack: 'Traceback…' },
  attributes: { 'code.lineno': 3 },
  seq: 7,
};

describe('PluginBatch', () => {
  it('makes the payload-less copy once and hands the same one to every plugin', () => {
    const batch = new PluginBatch([span]);
    const first = batch.spansFor(false);
    expect(batch.spansFor(false)).toBe(first);
    expect(first[0]).toMatchObject({ spanId: span.spanId, durationMs: 40, error: { type: 'ValueError', message: 'empty cart' } });
    for (const field of ['input', 'output', 'attributes']) expect(first[0]).not.toHaveProperty(field);
    expect(first[0]!.error).not.toHaveProperty('stack');
  });

  it('gives a plugin that asked for payloads its own copy with them', () => {
    const batch = new PluginBatch([span]);
    const [withPayloads] = batch.spansFor(true);
    expect(withPayloads).toMatchObject({ input: span.input, output: null, attributes: span.attributes });
    expect(batch.spansFor(true)).not.toBe(batch.spansFor(true));
  });
});
