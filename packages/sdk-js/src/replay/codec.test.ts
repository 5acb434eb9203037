import { describe, expect, it } from 'vitest';
import { Redactor } from '../redact.js';
import { decode, encode } from './codec.js';

const roundtrip = (value: unknown) => {
  const kept = encode(value, 1_000_000);
  if (!('text' in kept)) throw new Error(kept.skipped);
  return decode(JSON.parse(kept.text));
};

describe('the replay encoding (docs/replay.md)', () => {
  it('gives back plain data with its types', () => {
    const value = {
      n: [1, -0, NaN, Infinity, 12345678901234567890n],
      when: new Date('2026-01-02T03:04:05.000Z'),
      map: new Map<unknown, unknown>([[1, { a: [true, null, undefined] }]]),
      set: new Set(['x']),
      bytes: Buffer.from([0, 255]),
      raw: new Uint8Array([1, 2]),
      nested: { $: 'not a tag', deep: [[[]]] },
    };
    const back = roundtrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.n[1], -0)).toBe(true);
    expect(Buffer.isBuffer(back.bytes)).toBe(true);
    expect(back.raw).toBeInstanceOf(Uint8Array);
    expect(back.map.get(1)).toEqual({ a: [true, null, undefined] });
  });

  it('rebuilds errors with their class, message and own properties', () => {
    const error = Object.assign(new TypeError('bad'), { code: 'E_BAD', status: 400 });
    const back = roundtrip(error) as TypeError & { code: string; status: number };
    expect(back).toBeInstanceOf(TypeError);
    expect([back.message, back.code, back.status]).toEqual(['bad', 'E_BAD', 400]);
  });

  it('refuses, with a reason, what it cannot give back faithfully', () => {
    class Cart {
      items = 1;
    }
    expect(encode(new Cart(), 1000)).toEqual({ skipped: 'unsupported type Cart (a class instance)' });
    expect(encode({ get lazy() { return 1; } }, 1000)).toEqual({ skipped: 'a getter ("lazy")' });
    expect(encode(() => 1, 1000)).toEqual({ skipped: 'unsupported type function' });
    expect(encode(['x'.repeat(5000)], 1024)).toEqual({ skipped: 'too large (over 1024 bytes)' });
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(encode(cycle, 1000)).toEqual({ skipped: 'a cycle' });
  });

  it('never keeps a value under a secret name', () => {
    const kept = encode({ user: 'ann', apiKey: 'sk-123' }, 1000, new Redactor([], true));
    expect(kept).toEqual({ skipped: 'holds a value under a secret name ("apiKey")' });
  });
});
