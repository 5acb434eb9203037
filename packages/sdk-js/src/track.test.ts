import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { bindEmitter, currentSpan, span, track } from './index.js';
import { memorySdk } from './testing/memory-sdk.js';

describe('track', () => {
  it('records a sync call: name, input, output, timing, status', async () => {
    const sdk = memorySdk();
    const add = track(function add(a: number, b: number) {
      return a + b;
    });
    expect(add(2, 3)).toBe(5);
    const [record] = await sdk.spans();
    expect(record).toMatchObject({ name: 'add', kind: 'function', service: 'test', input: [2, 3], output: 5, status: 'ok', parentSpanId: null });
    expect(record!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(record!.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(record!.endTime).toBeGreaterThanOrEqual(record!.startTime);
  });

  it('keeps the function name and length, this and arguments', () => {
    memorySdk();
    const obj = {
      factor: 3,
      times: track(function times(this: { factor: number }, x: number) {
        return this.factor * x;
      }),
    };
    expect(obj.times.name).toBe('times');
    expect(obj.times.length).toBe(1);
    expect(obj.times(2)).toBe(6);
  });

  it('rethrows the very error a sync call threw and records it with frames', async () => {
    const sdk = memorySdk();
    let boom: unknown;
    const fail = track(function fail() {
      boom = new TypeError('bad input');
      throw boom;
    });
    let caught: unknown;
    try {
      fail();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    const [record] = await sdk.spans();
    expect(record!.status).toBe('error');
    expect(record!.error).toMatchObject({ type: 'TypeError', message: 'bad input' });
    expect(record!.error!.stack).toContain('bad input');
    const frames = record!.error!.frames!;
    expect(frames.at(-1)!.function).toContain('fail');
    expect(frames.at(-1)!.file).toContain('track.test.ts');
    expect(frames.at(-1)!.inApp).toBe(true);
  });

  it('ends async spans when the promise settles, with the resolved value or the rejection', async () => {
    const sdk = memorySdk();
    const slow = track(async function slow(ms: number) {
      await sleep(ms);
      return { waited: ms };
    });
    const reject = track(async function reject() {
      await sleep(1);
      throw new Error('nope');
    });
    await expect(slow(20)).resolves.toEqual({ waited: 20 });
    await expect(reject()).rejects.toThrow('nope');
    const [ok, failed] = await sdk.spans();
    expect(ok).toMatchObject({ name: 'slow', output: { waited: 20 }, status: 'ok' });
    expect(ok!.endTime! - ok!.startTime).toBeGreaterThanOrEqual(15);
    expect(failed).toMatchObject({ name: 'reject', status: 'error', error: { type: 'Error', message: 'nope' } });
  });

  it('nests across await, setTimeout, setImmediate, promise callbacks and emitters', async () => {
    const sdk = memorySdk();
    const leaf = track(function leaf(tag: string) {
      return tag;
    });
    const emitter = new EventEmitter();
    const root = track(async function root() {
      await sleep(1);
      leaf('after-await');
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          leaf('timer');
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          leaf('immediate');
          resolve();
        }),
      );
      await Promise.resolve().then(() => leaf('then'));
      emitter.once('go', () => leaf('emitter'));
      setTimeout(() => emitter.emit('go'), 1);
      await sleep(10);
    });
    await root();
    const spans = await sdk.spans();
    const rootSpan = spans.find((s) => s.name === 'root')!;
    const leaves = spans.filter((s) => s.name === 'leaf');
    expect(leaves.map((s) => s.output)).toEqual(['after-await', 'timer', 'immediate', 'then', 'emitter']);
    for (const s of leaves) {
      expect(s.parentSpanId).toBe(rootSpan.spanId);
      expect(s.traceId).toBe(rootSpan.traceId);
    }
  });

  it('keeps concurrent traces apart', async () => {
    const sdk = memorySdk();
    const child = track(async function child(n: number) {
      await sleep(5 - n);
      return n;
    });
    const parent = track(async function parent(n: number) {
      await sleep(n);
      return child(n);
    });
    await Promise.all([parent(1), parent(2), parent(3)]);
    const spans = await sdk.spans();
    const parents = spans.filter((s) => s.name === 'parent');
    expect(new Set(parents.map((p) => p.traceId)).size).toBe(3);
    for (const c of spans.filter((s) => s.name === 'child')) {
      const p = parents.find((x) => x.spanId === c.parentSpanId)!;
      expect(p.input).toEqual(c.input);
    }
  });

  it('bindEmitter runs listeners in the span where they were added', async () => {
    const sdk = memorySdk();
    const emitter = bindEmitter(new EventEmitter());
    const handle = track(function handle(message: string) {
      return message;
    });
    const listener = (message: string) => handle(message);
    await span('subscribe', () => {
      emitter.on('message', listener);
    });
    await span('publisher', () => emitter.emit('message', 'hi'));
    emitter.off('message', listener);
    expect(emitter.listenerCount('message')).toBe(0);
    const spans = await sdk.spans();
    const subscribe = spans.find((s) => s.name === 'subscribe')!;
    expect(spans.find((s) => s.name === 'handle')!.parentSpanId).toBe(subscribe.spanId);
  });

  it('tracks generators until they finish', async () => {
    const sdk = memorySdk();
    const inner = track(function inner(n: number) {
      return n * 2;
    });
    const numbers = track(function* numbers(count: number) {
      for (let i = 0; i < count; i++) yield inner(i);
      return 'done';
    });
    const stream = track(async function* stream() {
      yield 1;
      await sleep(1);
      yield inner(2);
    });
    expect([...numbers(3)]).toEqual([0, 2, 4]);
    const items: number[] = [];
    for await (const item of stream()) items.push(item);
    expect(items).toEqual([1, 4]);
    const spans = await sdk.spans();
    const gen = spans.find((s) => s.name === 'numbers')!;
    expect(gen).toMatchObject({ status: 'ok', output: 'done', attributes: { 'generator.yielded': 3 } });
    expect(spans.filter((s) => s.name === 'inner' && s.parentSpanId === gen.spanId)).toHaveLength(3);
    const agen = spans.find((s) => s.name === 'stream')!;
    expect(agen.attributes).toEqual({ 'generator.yielded': 2 });
    expect(spans.filter((s) => s.name === 'inner' && s.parentSpanId === agen.spanId)).toHaveLength(1);
  });

  it('honours per-function options', async () => {
    const sdk = memorySdk();
    const login = track((user: string, password: string) => `${user}:${password.length}`, {
      name: 'auth.login',
      kind: 'tool',
      captureResult: false,
      attributes: { 'app.area': 'auth' },
      sessionId: 'sess-1',
    });
    const secretArgs = track((x: number) => x, { captureArgs: false });
    login('ann', 'hunter2');
    secretArgs(1);
    const [a, b] = await sdk.spans();
    expect(a).toMatchObject({ name: 'auth.login', kind: 'tool', input: ['ann', 'hunter2'], attributes: { 'app.area': 'auth' }, sessionId: 'sess-1' });
    expect(a!.output).toBeUndefined();
    expect(b!.input).toBeUndefined();
    expect(b!.output).toBe(1);
  });

  it('redacts sensitive keys in arguments and results', async () => {
    const sdk = memorySdk();
    const connect = track((_options: { host: string; password: string; apiKey: string }) => ({ ok: true, token: "abc" }));
    connect({ host: 'db', password: 'p', apiKey: 'k' });
    const [record] = await sdk.spans();
    expect(record!.input).toEqual([{ host: 'db', password: '[REDACTED]', apiKey: '[REDACTED]' }]);
    expect(record!.output).toEqual({ ok: true, token: '[REDACTED]' });
  });

  it('copies arguments at call time', async () => {
    const sdk = memorySdk();
    const cart = { items: ['a'] };
    const add = track((c: typeof cart) => c.items.length);
    add(cart);
    cart.items.push('b');
    const [record] = await sdk.spans();
    expect(record!.input).toEqual([{ items: ['a'] }]);
  });
});

describe('span()', () => {
  it('runs a block in a child span and returns its result', async () => {
    const sdk = memorySdk();
    const result = await span('outer', async (outer) => {
      outer.setAttribute('step', 1).addEvent('started', { n: 1 });
      const inner = span('ask', { kind: 'llm', input: { prompt: 'hi' } }, (s) => {
        expect(currentSpan()).toBe(s);
        s.setUsage({ model: 'gpt-4o-mini', inputTokens: 12, outputTokens: 3, cacheReadTokens: 2 });
        s.setOutput('hello');
        return 42;
      });
      return inner;
    });
    expect(result).toBe(42);
    const [outer, ask] = await sdk.spans();
    expect(outer).toMatchObject({ name: 'outer', output: 42, attributes: { step: 1 } });
    expect(outer!.events![0]).toMatchObject({ name: 'started', attributes: { n: 1 } });
    expect(ask).toMatchObject({
      name: 'ask',
      kind: 'llm',
      parentSpanId: outer!.spanId,
      input: { prompt: 'hi' },
      output: 'hello',
      attributes: {
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 3,
        'gen_ai.usage.cache_read.input_tokens': 2,
      },
    });
  });

  it('records an error set explicitly without a throw', async () => {
    const sdk = memorySdk();
    span('validate', (s) => {
      s.recordError(new Error('invalid order'));
    });
    const [record] = await sdk.spans();
    expect(record).toMatchObject({ status: 'error', error: { message: 'invalid order' } });
  });

  it('keeps attributes flat: structures become JSON text, secrets are redacted', async () => {
    const sdk = memorySdk();
    span('attrs', (s) => {
      s.setAttributes({ list: [1, 2], nested: { a: 1 }, api_key: 'k', bad: undefined, big: 5n });
    });
    const [record] = await sdk.spans();
    expect(record!.attributes).toEqual({ list: [1, 2], nested: '{"a":1}', api_key: '[REDACTED]', bad: 'null', big: '5' });
  });
});

describe('sampling and disabling', () => {
  it('sampleRate 0 records nothing and changes nothing', async () => {
    const sdk = memorySdk({ sampleRate: 0 });
    const f = track((x: number) => x + 1);
    expect(f(1)).toBe(2);
    expect(span('s', (s) => s.spanId)).toBe('');
    expect(await sdk.spans()).toEqual([]);
  });

  it('decides per trace: children follow their root', async () => {
    const sdk = memorySdk({ sampleRate: 0.5 });
    const child = track(function child() {
      return 1;
    });
    const root = track(function root() {
      return child() + child();
    });
    for (let i = 0; i < 200; i++) root();
    const spans = await sdk.spans();
    const roots = spans.filter((s) => s.name === 'root');
    expect(roots.length).toBeGreaterThan(40);
    expect(roots.length).toBeLessThan(160);
    expect(spans.filter((s) => s.name === 'child')).toHaveLength(roots.length * 2);
  });

  it('enabled: false is a silent no-op', async () => {
    const sdk = memorySdk({ enabled: false });
    const f = track(async (x: number) => x * 2);
    await expect(f(4)).resolves.toBe(8);
    expect(await sdk.spans()).toEqual([]);
    expect(sdk.transport.heartbeats).toEqual([]);
  });
});
