import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';
import { Serializer } from './serialize.js';

// Issue 18: recording arguments must not run the arguments' code (a getter, a proxy trap, an
// overridden iterator of a Map subclass that loads entries lazily) and must stop at the limits
// without visiting the rest, whatever the type.

const limits = { maxString: 1024, maxDepth: 5, maxItems: 50, maxPayloadBytes: 256 * 1024 };
const serializer = () => new Serializer(limits, new Redactor([], true));
const copy = (value: unknown) => serializer().copy(value);

describe('Serializer runs none of the value’s code', () => {
  it('never runs getters: own, on a class, or on the prototype chain', () => {
    let runs = 0;
    const plain = {
      get lazy() {
        runs++;
        return 'loaded';
      },
      data: 1,
    };
    class Account {
      id = 7;
      get balance() {
        runs++;
        return 100;
      }
    }
    const account = new Account();
    Object.defineProperty(account, 'owner', { enumerable: true, get: () => ++runs });
    expect(copy({ plain, account })).toEqual({ plain: { lazy: '[Getter]', data: 1 }, account: { __class__: 'Account', id: 7, owner: '[Getter]' } });
    expect(runs).toBe(0);
  });

  it('never touches a proxy: no trap runs', () => {
    const traps: string[] = [];
    const handler: ProxyHandler<object> = {};
    for (const trap of ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'] as const) {
      (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
        traps.push(trap);
        return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
      };
    }
    expect(copy([new Proxy({ a: 1 }, handler), new Proxy([1, 2], handler)])).toEqual(['[Proxy]', '[Proxy]']);
    expect(traps).toEqual([]);
  });

  it('reads Map and Set subclasses through the built-in iterators, not their overrides', () => {
    let runs = 0;
    class LazyMap extends Map<string, number> {
      override get(key: string) {
        runs++;
        return super.get(key);
      }
      override entries() {
        runs++;
        return super.entries();
      }
      override [Symbol.iterator]() {
        runs++;
        return super[Symbol.iterator]();
      }
      override get size() {
        runs++;
        return super.size;
      }
    }
    class LazySet extends Set<number> {
      override values() {
        runs++;
        return super.values();
      }
      override [Symbol.iterator]() {
        runs++;
        return super[Symbol.iterator]();
      }
    }
    expect(copy({ map: new LazyMap([['a', 1]]), set: new LazySet([1, 2]) })).toEqual({ map: { a: 1 }, set: [1, 2] });
    expect(runs).toBe(0);
  });

  it('describes typed arrays, buffers, dates, regexps and functions without calling their overrides', () => {
    let runs = 0;
    class Bytes extends Uint8Array {
      override get byteLength() {
        runs++;
        return 0;
      }
    }
    class When extends Date {
      override toISOString() {
        runs++;
        return 'never';
      }
    }
    class Named {
      static get name() {
        runs++;
        return 'Named';
      }
    }
    const buffer = Buffer.from('abc');
    Object.defineProperty(buffer, 'toJSON', { value: () => ++runs });
    expect(copy([new Bytes(4), buffer, new When(0), /x+/i, Named])).toEqual([
      '[Bytes(4)]',
      '[Buffer(3)]',
      '1970-01-01T00:00:00.000Z',
      '/x+/i',
      '[Function: anonymous]',
    ]);
    expect(runs).toBe(0);
  });

  it('reads an error’s fields without running its getters', () => {
    let runs = 0;
    const error = new Error('plain message');
    Object.defineProperty(error, 'detail', { enumerable: true, get: () => ++runs });
    expect(copy(error)).toEqual({ type: 'Error', message: 'plain message', detail: '[Getter]' });
    expect(runs).toBe(0);
  });
});

describe('Serializer cost is bounded by the limits, for every type', () => {
  it('a 1,000,000-entry Map or Set is read up to maxItems, never iterated further', () => {
    const map = new Map<number, number>();
    const set = new Set<number>();
    for (let i = 0; i < 1_000_000; i++) {
      map.set(i, i);
      set.add(i);
    }
    const out = copy({ map, set }) as { map: Record<string, unknown>; set: unknown[] };
    expect(Object.keys(out.map)).toHaveLength(51);
    expect(out.map['…']).toBe('999950 more keys');
    expect(out.set).toHaveLength(51);
    expect(out.set.at(-1)).toBe('… 999950 more items');
  });

  it('a huge bigint is written by its size, and counted as written', () => {
    const s = serializer();
    const huge = 7n ** 100_000n; // 84,510 digits
    const out = s.copy([huge, 12345678901234567890n]) as string[];
    expect(out[0]).toMatch(/^<bigint ~\d+ digits>$/);
    expect(out[1]).toBe('12345678901234567890');
    expect(s.bytes).toBeGreaterThanOrEqual(JSON.stringify(out).length);
  });

  it('an object with more than 10,000 keys is listed once; later copies only name it', () => {
    const big: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) big[`k${i}`] = i;
    const first = copy(big) as Record<string, unknown>;
    expect(first['…']).toBe('19950 more keys');
    big.extra = 1;
    expect(copy(big)).toBe('<Object> with 20000 keys');
  });
});

describe('recording a large object graph', () => {
  it('stops at maxPayloadBytes (16 KB by default), so its cost does not grow with the graph', async () => {
    const { memorySdk } = await import('./testing/memory-sdk.js');
    const { track } = await import('./index.js');
    const sdk = memorySdk();
    const node = (level: number): unknown =>
      level === 0 ? 'leaf'.repeat(20) : Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`child${i}`, node(level - 1)]));
    const tree = node(3); // 64,000 leaves, ~5 MB as JSON
    track(function walkTree(_tree: unknown) {
      return 1;
    })(tree);
    const [record] = await sdk.spans();
    const written = JSON.stringify(record!.input).length;
    expect(written).toBeGreaterThan(8 * 1024);
    expect(written).toBeLessThan(20 * 1024);
  });
});
