import { describe, expect, it } from 'vitest';
import { validateSpanRecords } from './validate.js';

const valid = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  service: 'svc',
  name: 'op',
  startTime: 1_700_000_000_000.5,
};

describe('validateSpanRecords', () => {
  it('normalizes ids and applies defaults', () => {
    const { valid: ok, rejected } = validateSpanRecords([{ ...valid, traceId: valid.traceId.toUpperCase() }]);
    expect(rejected).toEqual([]);
    expect(ok[0]!.record).toMatchObject({ traceId: valid.traceId, kind: 'internal', status: 'unset' });
  });

  it('names every problem of a record with its path', () => {
    const { rejected } = validateSpanRecords([
      { ...valid, endTime: Number.NaN, attributes: { nested: { no: 1 } }, events: [{ name: 'e', time: 'x' }] },
    ]);
    expect(rejected[0]!.code).toBe('INVALID_TIME');
    expect(rejected[0]!.message).toContain('endTime');
    expect(rejected[0]!.message).toContain('attributes.nested');
    expect(rejected[0]!.message).toContain('events[0].time');
  });

  it('rejects deep nesting without recursion limits of its own', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const { rejected } = validateSpanRecords([{ ...valid, output: deep }]);
    expect(rejected[0]).toMatchObject({ code: 'NESTING_TOO_DEEP', message: expect.stringContaining('output') });
  });

  it('rejects an end before the start and times JavaScript dates cannot hold, with INVALID_TIME', () => {
    const { valid: ok, rejected } = validateSpanRecords([
      { ...valid, endTime: valid.startTime - 1 },
      { ...valid, startTime: 1e16 },
      { ...valid, endTime: 8.7e15 },
      { ...valid, events: [{ name: 'e', time: 9e15 }] },
      { ...valid, endTime: valid.startTime },
    ]);
    expect(ok.map((v) => v.index)).toEqual([4]);
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'INVALID_TIME'],
      [1, 'INVALID_TIME'],
      [2, 'INVALID_TIME'],
      [3, 'INVALID_TIME'],
    ]);
    expect(rejected[0]!.message).toContain('endTime: is before startTime');
    expect(rejected[1]!.message).toContain('startTime: must be at most');
  });

  it('keeps the index of each record', () => {
    const { valid: ok, rejected } = validateSpanRecords([null, valid, 'x', { ...valid, spanId: 'short' }]);
    expect(ok.map((v) => v.index)).toEqual([1]);
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'INVALID_RECORD'],
      [2, 'INVALID_RECORD'],
      [3, 'INVALID_ID'],
    ]);
  });
});
