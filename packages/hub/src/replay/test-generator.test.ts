import type { Span } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { generatePytest, generateVitest, lossOf } from './test-generator.js';

let n = 0;
const call = (fields: Partial<Span>): Span => ({
  traceId: 'a'.repeat(32),
  spanId: (++n).toString(16).padStart(16, '0'),
  parentSpanId: null,
  service: 'shop',
  name: 'priceOf',
  kind: 'function',
  startTime: 1_700_000_000_000,
  endTime: 1_700_000_000_005,
  durationMs: 5,
  status: 'ok',
  sessionId: null,
  seq: n,
  ...fields,
});

describe('generated regression tests', () => {
  it('tells a whole recorded value from a preview the SDK cut short or described', () => {
    expect(lossOf({ a: [1, 'x', { b: null }] })).toBeUndefined();
    expect(lossOf({ s: 'abc… (2000 more chars)' })).toMatch(/^recorded as/);
    expect(lossOf({ key: '[REDACTED]' })).toMatch(/REDACTED/);
    expect(lossOf([{ __class__: 'shop.Cart', items: 1 }])).toMatch(/class shop.Cart/);
    expect(lossOf({ '…': '3 more keys' })).toBe('cut short at max_items');
  });

  it('pytest: imports the function from its module, asserts results and exceptions, skips with a reason', () => {
    const attrs = { 'code.namespace': 'shop.pricing', 'code.function': 'total' };
    const file = generatePytest([
      call({ name: 'total', attributes: attrs, input: { items: [1, 2], vip: true }, output: { sum: 3 } }),
      call({ name: 'total', attributes: attrs, status: 'error', input: { items: null }, error: { type: 'TypeError', message: "'NoneType' object is not iterable" } }),
      call({ name: 'total', attributes: attrs, input: { items: '<list len=9>' } }),
    ]);
    expect(file.filename).toBe('test_total_recorded.py');
    expect(file.text).toContain('from shop.pricing import total as total');
    expect(file.text).toContain('assert total(**{"items": [1, 2], "vip": True}) == {"sum": 3}');
    expect(file.text).toContain(`assert str(raised.value) == "'NoneType' object is not iterable"`);
    expect(file.skipped).toEqual([{ spanId: expect.any(String) as string, reason: 'its arguments cannot be rebuilt: recorded as "<list len=9>"' }]);
  });

  it('pytest: a function defined in the script that was run is skipped as a whole, saying why', () => {
    const file = generatePytest([call({ name: 'main', attributes: { 'code.namespace': '__main__', 'code.function': 'main' }, input: {} })]);
    expect(file.text).toContain('pytest.skip("it is defined in the script that was run (__main__)');
    expect(file.text).not.toContain('import main');
  });

  it('vitest: positional arguments, the import it was told, rejections', () => {
    const file = generateVitest([call({ input: ['A-1', 2], output: 5 }), call({ input: ['?'], status: 'error', error: { type: 'Error', message: 'unknown sku ?' } })], './catalog.js');
    expect(file.text).toContain('import { priceOf } from "./catalog.js";');
    expect(file.text).toContain('expect(await priceOf("A-1", 2)).toEqual(5);');
    expect(file.text).toContain('rejects.toThrow("unknown sku ?")');
  });
});
