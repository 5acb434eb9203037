import { describe, expect, it } from 'vitest';
import { getClient } from './client.js';
import { memorySdk } from './testing/memory-sdk.js';

describe('SpanState.toJson', () => {
  it('is exactly JSON.stringify(toWire()) in every state', () => {
    memorySdk({ service: 'svc "quoted"' });
    const client = getClient();
    const root = client.startSpan('root "name"\n', 'agent', undefined, 'session-1');
    const child = client.startSpan('child', 'llm', root, undefined);
    const states = () => [root, child];
    const check = () => {
      for (const span of states()) expect(span.toJson(JSON.stringify('svc "quoted"'))).toBe(JSON.stringify(span.toWire()));
    };
    check();
    root.setInput({ a: [1, 'two', null], s: 'é\u2028' });
    child.setAttributes({ 'gen_ai.request.model': 'gpt-4o', n: 1.5, list: ['x'] }).addEvent('e', { k: true });
    check();
    child.finish('result', undefined, false);
    root.finish(undefined, new RangeError('bad'), true);
    check();
    expect(JSON.parse(child.toJson('"s"'))).toMatchObject({ parentSpanId: root.spanId, traceId: root.traceId, sessionId: 'session-1', status: 'ok', output: 'result' });
  });

  it('draws ids lazily and shares the trace id down the tree', () => {
    memorySdk();
    const client = getClient();
    const root = client.startSpan('root', 'function', undefined, undefined);
    const child = client.startSpan('child', 'function', root, undefined);
    const grandchild = client.startSpan('grandchild', 'function', child, undefined);
    expect(grandchild.traceId).toBe(root.traceId);
    expect(grandchild.parentSpanId).toBe(child.spanId);
    expect(root.parentSpanId).toBeNull();
    expect(new Set([root.spanId, child.spanId, grandchild.spanId]).size).toBe(3);
  });
});

describe('times as written', () => {
  it('are epoch milliseconds to the microsecond, valid JSON numbers, in order', async () => {
    const { number } = await import('./span.js');
    expect(number(1795989369921.1208)).toBe('1795989369921.121');
    expect(number(1795989369921)).toBe('1795989369921');
    expect(number(1795989369921.0002)).toBe('1795989369921');
    expect(number(1795989369921.0051)).toBe('1795989369921.005');
    expect(number(1795989369921.05)).toBe('1795989369921.05');
    expect(number(1795989369921.5)).toBe('1795989369921.5');
    expect(number(1795989369921.07)).toBe('1795989369921.07');
    for (let k = 0; k < 5000; k++) {
      const t = Math.round((1795989369921 + k * 0.000731) * 1000) / 1000;
      expect(number(t)).toBe(JSON.stringify(t));
    }
    expect(number(Number.NaN)).toBe('null');
    const times = Array.from({ length: 1000 }, (_, i) => 1795989369921 + i * 0.0007);
    const parsed = times.map((t) => JSON.parse(number(t)) as number);
    for (let i = 1; i < parsed.length; i++) expect(parsed[i]).toBeGreaterThanOrEqual(parsed[i - 1]!);
    for (let i = 0; i < parsed.length; i++) expect(Math.abs(parsed[i]! - times[i]!)).toBeLessThanOrEqual(0.001);
  });
});
