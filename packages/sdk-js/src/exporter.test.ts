import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { configure, flush, span, stats, track, type Transport, type TransportResult, type WireHeartbeat, type WireSpan } from './index.js';
import { peekClient } from './client.js';
import { memorySdk } from './testing/memory-sdk.js';

/** A transport whose answers the test scripts; records every attempt with its time. */
class ScriptedTransport implements Transport {
  answers: TransportResult[] = [];
  attempts: { path: string; time: number; body: { spans?: WireSpan[] } & Partial<WireHeartbeat> }[] = [];
  delivered: WireSpan[] = [];

  send(path: string, json: string): Promise<TransportResult> {
    const body = JSON.parse(json) as { spans?: WireSpan[] } & Partial<WireHeartbeat>;
    this.attempts.push({ path, time: Date.now(), body });
    if (!path.endsWith('/spans')) return Promise.resolve({ ok: true, status: 200, body: '{}' });
    const answer = this.answers.shift() ?? { ok: true, status: 200, body: JSON.stringify({ accepted: body.spans!.length, rejected: [] }) };
    if (answer.ok) this.delivered.push(...body.spans!);
    return Promise.resolve(answer);
  }

  spanAttempts() {
    return this.attempts.filter((a) => a.path.endsWith('/spans'));
  }
}

const down: TransportResult = { ok: false, retryable: true, error: 'ECONNREFUSED' };

function setup(options: Parameters<typeof configure>[0] = {}) {
  const transport = new ScriptedTransport();
  configure({ service: 'test', transport, exitHooks: false, heartbeatIntervalMs: 3_600_000, retryMaxDelayMs: 50, ...options });
  return transport;
}

describe('start and end records', () => {
  it('sends one complete record for a call that ends before its start was sent', async () => {
    const sdk = memorySdk({ flushIntervalMs: 50 });
    track(function quick() {
      return 1;
    })();
    await flush();
    expect(sdk.transport.spans).toHaveLength(1);
    expect(sdk.transport.spans[0]).toMatchObject({ name: 'quick', status: 'ok' });
    expect(sdk.transport.spans[0]!.endTime).toBeTypeOf('number');
  });

  it('sends a start record while a slow call runs, then its end record', async () => {
    const sdk = memorySdk({ flushIntervalMs: 5 });
    const done = span('slow', async () => {
      await sleep(60);
      return 'ok';
    });
    await sleep(30);
    expect(sdk.transport.spans).toHaveLength(1);
    expect(sdk.transport.spans[0]).toMatchObject({ name: 'slow', status: 'unset' });
    expect(sdk.transport.spans[0]!.endTime).toBeUndefined();
    await done;
    await flush();
    expect(sdk.transport.spans).toHaveLength(2);
    expect(sdk.transport.spans[1]).toMatchObject({ name: 'slow', status: 'ok', output: 'ok' });
    expect(sdk.transport.spans[1]!.spanId).toBe(sdk.transport.spans[0]!.spanId);
  });

  it('batches up to batchSpans records per request', async () => {
    const transport = setup({ batchSpans: 10 });
    const f = track(function f(i: number) {
      return i;
    });
    for (let i = 0; i < 35; i++) f(i);
    await flush();
    expect(transport.spanAttempts().map((a) => a.body.spans!.length)).toEqual([10, 10, 10, 5]);
  });
});

describe('failures', () => {
  it('retries with backoff until the hub answers, losing nothing', async () => {
    const transport = setup();
    transport.answers = [down, down, down];
    const f = track(function f(i: number) {
      return i;
    });
    for (let i = 0; i < 5; i++) f(i);
    expect(await flush(3_000)).toBe(true);
    const attempts = transport.spanAttempts();
    expect(attempts).toHaveLength(4);
    expect(transport.delivered.map((s) => s.output)).toEqual([0, 1, 2, 3, 4]);
    expect(stats().dropped).toEqual({});
  });

  it('waits as long as Retry-After says', async () => {
    const transport = setup({ flushIntervalMs: 1 });
    transport.answers = [{ ok: false, retryable: true, status: 429, retryAfterMs: 300, error: 'busy' }];
    track(function f() {})();
    await sleep(1_000);
    const [first, second] = transport.spanAttempts();
    expect(second).toBeDefined();
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(290);
  });

  it('drops a batch the hub refuses (4xx) and counts it', async () => {
    const transport = setup();
    transport.answers = [{ ok: false, retryable: false, status: 400, error: 'bad' }];
    track(function f() {})();
    await flush();
    expect(stats().dropped).toEqual({ rejected: 1 });
  });

  it('counts records the hub rejected inside an accepted batch', async () => {
    const transport = setup();
    transport.answers = [{ ok: true, status: 200, body: JSON.stringify({ accepted: 1, rejected: [{ index: 1, code: 'INVALID_FIELD', message: 'x' }] }) }];
    const f = track(function f() {});
    f();
    f();
    await flush();
    expect(stats()).toMatchObject({ sent: 1, dropped: { rejected: 1 } });
  });

  it('bounds the queue while the hub is down, counts drops, and reports them in heartbeats', async () => {
    const transport = setup({ maxQueueSpans: 10, retryMaxDelayMs: 10_000 });
    transport.answers = Array.from({ length: 1000 }, () => down);
    const f = track(function f(i: number) {
      return i;
    });
    for (let i = 0; i < 25; i++) f(i);
    expect(stats().dropped.queue_full).toBe(15);
    transport.answers = [];
    expect(await flush(5_000)).toBe(true);
    expect(transport.delivered.map((s) => s.output)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await peekClient()!.heartbeat.beat();
    const beat = transport.attempts.filter((a) => a.path.endsWith('/heartbeat')).at(-1)!.body;
    expect(beat).toMatchObject({ service: 'test', language: 'typescript', pid: process.pid, dropped: { queue_full: 15 } });
    expect(beat.sdk).toEqual({ name: '@runtime-hub/sdk', version: expect.any(String) });
  });

  it('never lets a failing transport reach the caller', async () => {
    const broken: Transport = { send: () => Promise.reject(new Error('transport bug')) };
    configure({ service: 'test', transport: broken, exitHooks: false, heartbeatIntervalMs: 3_600_000 });
    expect(track((x: number) => x)(7)).toBe(7);
    expect(await flush(200)).toBe(false);
  });

  it('flush() resolves false after its timeout when the hub stays down', async () => {
    const transport = setup();
    transport.answers = Array.from({ length: 1000 }, () => down);
    track(function f() {})();
    const started = Date.now();
    expect(await flush(300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('limits', () => {
  it('replaces input and output of a record over maxSpanBytes and keeps the span', async () => {
    const sdk = memorySdk({ maxSpanBytes: 4096, maxString: 100_000 });
    track((s: string) => s)('x'.repeat(10_000));
    const [record] = await sdk.spans();
    expect(record!.input).toBe('[dropped: record over 4096 bytes]');
    expect(record!.output).toBe('[dropped: record over 4096 bytes]');
    expect(record!.status).toBe('ok');
  });

  it('beforeSend can change or drop records', async () => {
    const sdk = memorySdk({
      beforeSend: (record) => (record.name === 'drop' ? null : { ...record, attributes: { ...record.attributes, seen: true } }),
    });
    track(function keep() {})();
    track(function drop() {})();
    const spans = await sdk.spans();
    expect(spans.map((s) => [s.name, s.attributes])).toEqual([['keep', { seen: true }]]);
    expect(stats().dropped).toEqual({ before_send: 1 });
  });
});
