import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';
import { Serializer } from './serialize.js';

const limits = { maxString: 1024, maxDepth: 5, maxItems: 50, maxPayloadBytes: 256 * 1024 };
const copy = (value: unknown, extra: string[] = [], defaults = true) => new Serializer(limits, new Redactor(extra, defaults)).copy(value);

describe('Serializer limits', () => {
  it('keeps small values as they are', () => {
    expect(copy({ a: 1, b: 'x', c: [true, null], d: { e: 2.5 } })).toEqual({ a: 1, b: 'x', c: [true, null], d: { e: 2.5 } });
  });

  it('cuts strings at 1,024 characters and says how much was left out', () => {
    const out = copy('x'.repeat(1500)) as string;
    expect(out.startsWith('x'.repeat(1024))).toBe(true);
    expect(out.endsWith('… (476 more chars)')).toBe(true);
  });

  it('keeps 50 items per array, set, map and object', () => {
    const list = Array.from({ length: 60 }, (_, i) => i);
    const arr = copy(list) as unknown[];
    expect(arr).toHaveLength(51);
    expect(arr[50]).toBe('… 10 more items');
    expect(copy(new Set(list))).toEqual([...list.slice(0, 50), '… 10 more items']);
    const obj = copy(Object.fromEntries(list.map((i) => [`k${i}`, i]))) as Record<string, unknown>;
    expect(Object.keys(obj)).toHaveLength(51);
    expect(obj['…']).toBe('10 more keys');
    const map = copy(new Map(list.map((i) => [`k${i}`, i]))) as Record<string, unknown>;
    expect(map['…']).toBe('10 more keys');
  });

  it('stops at depth 5 with a summary of what is below', () => {
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: 1 } }, arr: [[[1]]] } } } };
    expect(copy(deep)).toEqual({ l1: { l2: { l3: { l4: { l5: '<Object>' }, arr: ['<Array len=1>'] } } } });
  });

  it('turns what JSON cannot hold into text', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const out = copy({
      big: 10n,
      nan: NaN,
      inf: -Infinity,
      date: new Date(0),
      re: /a+/g,
      fn: function named() {},
      sym: Symbol('s'),
      buf: Buffer.from('abc'),
      undef: undefined,
      point: new Point(1, 2),
      err: new RangeError('boom'),
      promise: Promise.resolve(1),
    });
    expect(out).toEqual({
      big: '10',
      nan: 'NaN',
      inf: '-Infinity',
      date: '1970-01-01T00:00:00.000Z',
      re: '/a+/g',
      fn: '[Function: named]',
      sym: 'Symbol(s)',
      buf: '[Buffer(3)]',
      point: { __class__: 'Point', x: 1, y: 2 },
      err: { type: 'RangeError', message: 'boom' },
      promise: '[Promise]',
    });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('survives cycles, getters (never run) and own __proto__ keys', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(copy(a)).toEqual({ name: 'a', self: '[Circular]' });
    const hostile = {
      get bad(): never {
        throw new Error('no');
      },
      ok: 1,
    };
    expect(copy(hostile)).toEqual({ bad: '[Getter]', ok: 1 });
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const out = copy(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('stops walking a huge value once its size budget is spent', () => {
    const wide = Array.from({ length: 50 }, () => Array.from({ length: 50 }, () => Array.from({ length: 50 }, () => 'x'.repeat(100))));
    const serializer = new Serializer({ ...limits, maxPayloadBytes: 10_000 }, new Redactor([], true));
    const out = serializer.copy(wide) as unknown[];
    expect(JSON.stringify(out).length).toBeLessThan(20_000);
    expect(out.at(-1)).toMatch(/^… \d+ more items$/);
  });

  it('repeats shared (non-circular) objects', () => {
    const shared = { v: 1 };
    expect(copy([shared, shared])).toEqual([{ v: 1 }, { v: 1 }]);
  });
});

describe('redaction', () => {
  const sensitive = [
    'password',
    'dbPassword',
    'passwd',
    'client_secret',
    'secretKey',
    'token',
    'accessToken',
    'refresh_token',
    'x-auth-token',
    'api_key',
    'apiKey',
    'X-API-Key',
    'Authorization',
    'auth',
    'authHeader',
    'credentials',
    'session',
    'sessionId',
    'session_token',
    'cookie',
    'Set-Cookie',
    'private_key',
    'privateKey',
    'credit_card',
    'creditCardNumber',
  ];
  const harmless = ['author', 'authorName', 'authority', 'max_tokens', 'input_tokens', 'tokens', 'token_count', 'tokenizer', 'name', 'user', 'keyboard', 'passage', 'compass'];

  it.each(sensitive)('redacts %s', (key) => {
    expect(copy({ [key]: 'value' })).toEqual({ [key]: '[REDACTED]' });
  });

  it.each(harmless)('keeps %s', (key) => {
    expect(copy({ [key]: 'value' })).toEqual({ [key]: 'value' });
  });

  it('redacts whole subtrees, in maps too, and extra keys the user names', () => {
    expect(copy({ auth: { user: 'u', pass: 'p' } })).toEqual({ auth: '[REDACTED]' });
    expect(copy(new Map([['password', 'p']]))).toEqual({ password: '[REDACTED]' });
    expect(copy({ iban: '123', tenant_pin: 1, pinned: 2 }, ['iban', '_pin$'])).toEqual({ iban: '[REDACTED]', tenant_pin: '[REDACTED]', pinned: 2 });
  });

  it('can turn the built-in list off', () => {
    expect(copy({ password: 'p' }, [], false)).toEqual({ password: 'p' });
  });
});

describe('parity with the Python SDK', () => {
  it('uses the same default redaction patterns', async () => {
    const { readFile } = await import('node:fs/promises');
    const { DEFAULT_PATTERNS } = await import('./redact.js');
    const python = await readFile(new URL('../../../sdk/python/src/runtime_hub/_redact.py', import.meta.url), 'utf8');
    const block = /DEFAULT_PATTERNS = \(([\s\S]*?)\n\)/.exec(python)![1]!;
    const patterns = [...block.matchAll(/^\s*r"(.*)",/gm)].map((m) => m[1]);
    expect(DEFAULT_PATTERNS).toEqual(patterns);
  });
});
