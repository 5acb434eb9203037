import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { peekClient } from './client.js';
import { configure, flush, span, stats, track, MemoryTransport, type Transport, type TransportResult, type WireHeartbeat } from './index.js';

// Issue 18: nothing lost silently, nothing left running. When the buffer is full whole spans go
// (never an end whose start was sent), the hub hears the final drop count, and while the hub is
// down the app stops paying for payloads that would be dropped.

const down: TransportResult = { ok: false, retryable: true, error: 'ECONNREFUSED' };

function setup(options: Parameters<typeof configure>[0] = {}) {
  const transport = new MemoryTransport();
  configure({ service: 'test', transport, exitHooks: false, heartbeatIntervalMs: 3_600_000, retryMaxDelayMs: 20, ...options });
  return transport;
}

const work = track(function work(i: number) {
  return i;
});
const parentOfWork = track(function parentOfWork(i: number) {
  return work(i) + work(i + 1);
});

describe('a full buffer drops whole spans', () => {
  it('an end whose start was sent is queued (compact) even when the buffer is full', async () => {
    const transport = setup({ maxQueueSpans: 10 });
    let release!: () => void;
    const outer = span('outer', { input: { big: 'x'.repeat(100) } }, () => new Promise<void>((resolve) => (release = resolve)));
    expect(await flush(1_000)).toBe(true); // the start record of "outer" is delivered
    transport.failWith = down;
    for (let i = 0; i < 50; i++) work(i); // fills the buffer while the hub is down
    expect(stats().dropped.queue_full).toBeGreaterThan(0);
    release();
    await outer;
    transport.failWith = undefined;
    expect(await flush(2_000)).toBe(true);
    const stored = transport.latest().find((s) => s.name === 'outer')!;
    expect(stored.endTime).toBeTypeOf('number');
    expect(stored.status).toBe('ok');
    expect(stored.input).toEqual({ big: 'x'.repeat(100) }); // from the start record
  });

  it('a dropped span takes its subtree with it: every stored span has its parent, every drop is counted', async () => {
    const transport = setup({ maxQueueSpans: 10 });
    transport.failWith = down;
    for (let i = 0; i < 40; i++) parentOfWork(i); // 120 spans
    transport.failWith = undefined;
    expect(await flush(2_000)).toBe(true);
    const spans = transport.latest();
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.every((s) => s.parentSpanId === null || ids.has(s.parentSpanId))).toBe(true);
    expect(spans.every((s) => typeof s.endTime === 'number')).toBe(true);
    expect(spans.length + (stats().dropped.queue_full ?? 0)).toBe(120);
  });

  it('a span whose start found the buffer full is dropped with its children, never leaving them orphaned', async () => {
    const transport = setup({ maxQueueSpans: 10 });
    transport.failWith = down;
    for (let i = 0; i < 10; i++) work(i); // the buffer is full
    let resume!: () => void;
    let finish!: () => void;
    const outer = span('outer', async () => {
      await new Promise<void>((resolve) => (resume = resolve));
      work(100); // runs after the buffer drained
      await new Promise<void>((resolve) => (finish = resolve));
    });
    transport.failWith = undefined;
    expect(await flush(2_000)).toBe(true);
    resume();
    await sleep(0);
    transport.failWith = down;
    for (let i = 0; i < 20; i++) work(i); // full again when "outer" ends
    finish();
    await outer;
    transport.failWith = undefined;
    expect(await flush(2_000)).toBe(true);
    const spans = transport.latest();
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId !== null && !ids.has(s.parentSpanId))).toEqual([]);
    expect(spans.every((s) => typeof s.endTime === 'number')).toBe(true);
  });

  it('the buffer is bounded by bytes: large payloads fill it before the span count does', () => {
    const transport = setup({ maxQueueBytes: 64 * 1024, maxQueueSpans: 10_000 });
    transport.failWith = down;
    const echo = track(function echo(text: string) {
      return text.length;
    });
    for (let i = 0; i < 200; i++) echo('y'.repeat(1000));
    expect(stats().queued).toBeLessThan(80);
    expect(stats().dropped.queue_full).toBeGreaterThan(100);
  });
});

describe('the hub down', () => {
  it('after a second of failed sends, calls stop copying payloads; they resume once the hub answers', async () => {
    const transport = setup({ flushIntervalMs: 1 });
    transport.failWith = down;
    const echo = track(function echo(value: { n: number }) {
      return value;
    });
    echo({ n: 1 });
    await sleep(1_300);
    expect(peekClient()!.exporter.hubDown).toBe(true);
    echo({ n: 2 });
    transport.failWith = undefined;
    expect(await flush(2_000)).toBe(true);
    expect(peekClient()!.exporter.hubDown).toBe(false);
    echo({ n: 3 });
    await flush(2_000);
    const inputs = transport.latest().map((s) => s.input);
    expect(inputs).toEqual([[{ n: 1 }], undefined, [{ n: 3 }]]);
  });
});

describe('the final heartbeat', () => {
  it('carries the latest drop count even when a beat was in flight when it was asked for', async () => {
    const beats: WireHeartbeat[] = [];
    let slow: (() => void) | undefined;
    const transport: Transport = {
      send(path, json) {
        if (path.endsWith('/spans')) return Promise.resolve(down);
        beats.push(JSON.parse(json) as WireHeartbeat);
        return new Promise((resolve) => (slow = () => resolve({ ok: true, status: 200, body: '{}' })));
      },
    };
    configure({ service: 'test', transport, exitHooks: false, heartbeatIntervalMs: 3_600_000, maxQueueSpans: 10 });
    const client = peekClient()!;
    const first = client.heartbeat.beat(); // in flight, carries no drops
    for (let i = 0; i < 30; i++) work(i);
    const final = client.heartbeat.beatIfStale();
    slow!();
    await first;
    await sleep(0);
    slow!();
    await final;
    expect(beats.at(-1)!.dropped).toEqual(stats().dropped);
    expect(beats.at(-1)!.dropped!.queue_full).toBeGreaterThan(0);
  });
});
