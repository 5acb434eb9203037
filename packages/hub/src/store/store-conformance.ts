import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SpanRecord, type SpanRecordInput } from '@runtime-hub/protocol';
import { encodeSpan } from '../ingest/encode.js';
import { hexId } from '../testing/test-hub.js';
import type { EncodedSpan } from './encoded-span.js';
import type { SpanStore } from './store.js';

/**
 * The store contract as tests. Every SpanStore implementation runs this one suite, so SQLite and
 * PostgreSQL behave the same for everything the hub relies on.
 */
export function runStoreConformance(name: string, open: () => Promise<SpanStore>): void {
  const encode = (input: Partial<SpanRecordInput>): EncodedSpan => {
    const result = encodeSpan(
      SpanRecord.parse({ traceId: hexId(32), spanId: hexId(16), service: 'svc', name: 'op', startTime: 1_000, ...input }),
    );
    if (!result.ok) throw new Error(result.message);
    return result.span;
  };

  describe(`${name} store conformance`, () => {
    it('upserts by spanId: the end completes the start, a late start never overwrites the end', async () => {
      const store = await open();
      const ids = { traceId: hexId(32), spanId: hexId(16) };
      const [started] = await store.write([encode({ ...ids, input: { q: 1 }, attributes: { a: 1 } })]);
      expect(started).toMatchObject({ endTime: null, status: 'unset', input: { q: 1 } });
      const [ended] = await store.write([encode({ ...ids, endTime: 1_040, status: 'ok', output: 'r', attributes: { b: 2 } })]);
      expect(ended).toMatchObject({ endTime: 1_040, durationMs: 40, status: 'ok', input: { q: 1 }, output: 'r', attributes: { a: 1, b: 2 } });
      expect(ended!.seq).toBeGreaterThan(started!.seq);
      await store.write([encode({ ...ids, name: 'renamed-by-late-start', input: { q: 2 } })]);
      expect(await store.getSpan(ids.spanId)).toMatchObject({ name: 'op', endTime: 1_040, status: 'ok', output: 'r', input: { q: 1 } });
      expect(store.spanCount()).toBe(1);
      await store.close();
    });

    it('summarizes traces from their root, counts spans and errors, pages newest first by cursor', async () => {
      const store = await open();
      const traces: string[] = [];
      for (let i = 0; i < 5; i++) {
        const traceId = hexId(32);
        traces.push(traceId);
        const root = hexId(16);
        // The child arrives first: the trace must still end up named after its root.
        await store.write([encode({ traceId, parentSpanId: root, name: 'child', startTime: 2_000 + i * 10 + 1, endTime: 2_000 + i * 10 + 2, status: i === 0 ? 'error' : 'ok', error: i === 0 ? { type: 'E', message: 'm' } : null })]);
        await store.write([encode({ traceId, spanId: root, name: `root-${i}`, startTime: 2_000 + i * 10, endTime: 2_000 + i * 10 + 5, status: 'ok' })]);
      }
      const page1 = await store.listTraces({ limit: 3 });
      expect(page1.items.map((t) => t.name)).toEqual(['root-4', 'root-3', 'root-2']);
      expect(page1.items[0]).toMatchObject({ spanCount: 2, errorCount: 0, status: 'ok', durationMs: 5 });
      const page2 = await store.listTraces({ limit: 3, cursor: page1.nextCursor! });
      expect(page2.items.map((t) => t.name)).toEqual(['root-1', 'root-0']);
      expect(page2.nextCursor).toBeNull();
      expect(page2.items[1]).toMatchObject({ status: 'error', errorCount: 1 });
      expect((await store.listTraces({ limit: 10, status: 'error' })).items.map((t) => t.traceId)).toEqual([traces[0]]);
      expect((await store.listTraces({ limit: 10, q: 'ROOT-3' })).items).toHaveLength(1);
      expect(await store.getTrace(traces[2]!)).toHaveLength(2);
      await store.close();
    });

    it('filters and pages spans', async () => {
      const store = await open();
      const spans = Array.from({ length: 25 }, (_, i) =>
        encode({ service: i % 2 ? 'odd' : 'even', kind: i % 5 === 0 ? 'llm' : 'function', startTime: 5_000 + i, endTime: 5_000 + i + i, status: 'ok' }),
      );
      await store.write(spans);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listSpans({ limit: 7, service: 'odd', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((s) => s.spanId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(12);
      expect(new Set(seen).size).toBe(12);
      expect((await store.listSpans({ limit: 100, kind: 'llm' })).items).toHaveLength(5);
      expect((await store.listSpans({ limit: 100, minDurationMs: 20 })).items).toHaveLength(5);
      expect((await store.listSpans({ limit: 100, from: 5_010, to: 5_014 })).items).toHaveLength(5);
      await store.close();
    });

    it('groups errors by type, message and top frame', async () => {
      const store = await open();
      const frames = [{ file: 'app.py', line: 3, function: 'handler' }];
      await store.write([
        encode({ status: 'error', endTime: 1_001, error: { type: 'ValueError', message: 'bad', frames } }),
        encode({ status: 'error', endTime: 1_002, service: 'other', error: { type: 'ValueError', message: 'bad', frames } }),
        encode({ status: 'error', endTime: 1_003, error: { type: 'KeyError', message: 'k' } }),
      ]);
      const groups = await store.listErrorGroups({ bucketMs: 3_600_000, limit: 10, to: 2_000 });
      const valueErrors = groups.find((g) => g.type === 'ValueError')!;
      expect(valueErrors).toMatchObject({ count: 2, topFrame: 'handler (app.py:3)', services: expect.arrayContaining(['svc', 'other']) });
      expect(valueErrors.trend.reduce((a, b) => a + b, 0)).toBe(2);
      const occurrences = await store.listSpans({ limit: 10, errorGroup: valueErrors.id });
      expect(occurrences.items).toHaveLength(2);
      await store.close();
    });

    it('lists sessions with their traces', async () => {
      const store = await open();
      await store.write([encode({ sessionId: 's-1' }), encode({ sessionId: 's-1', startTime: 3_000 }), encode({ sessionId: 's-2' })]);
      const sessions = await store.listSessions({ limit: 10 });
      expect(sessions.items.map((s) => [s.sessionId, s.traceCount])).toEqual([
        ['s-1', 2],
        ['s-2', 1],
      ]);
      await store.close();
    });

    it('replays changes by sequence for live clients', async () => {
      const store = await open();
      const written = await store.write([encode({ service: 'a' }), encode({ service: 'b' }), encode({ service: 'a' })]);
      const after = written[0]!.seq;
      const changes = await store.changesBetween({ service: 'a' }, after - 1, store.lastSeq(), 100);
      expect(changes.map((s) => s.spanId)).toEqual([written[0]!.spanId, written[2]!.spanId]);
      const recent = await store.recentChanges({}, store.lastSeq(), 2);
      expect(recent.map((s) => s.spanId)).toEqual([written[1]!.spanId, written[2]!.spanId]);
      await store.close();
    });

    it('pages a trace, its outline and an export in bounded pages, as the JSON of each span', async () => {
      const store = await open();
      const traceId = hexId(32);
      // Equal start times on purpose: pages must split ties without losing or repeating a span.
      const spans = Array.from({ length: 23 }, (_, i) =>
        encode({ traceId, startTime: 7_000 + Math.floor(i / 4), endTime: 7_010, status: 'ok', input: { i }, attributes: { n: i }, error: i === 5 ? { type: 'E', message: 'm' } : null }),
      );
      await store.write(spans.slice(12));
      await store.write(spans.slice(0, 12));
      await store.write([encode({ startTime: 7_001 })]); // another trace, never in this one's pages
      const collect = async <T>(pages: AsyncIterable<T[]>) => {
        const sizes: number[] = [];
        const items: T[] = [];
        for await (const page of pages) {
          sizes.push(page.length);
          items.push(...page);
        }
        return { sizes, items };
      };
      const trace = await collect(store.scanTrace(traceId, 5));
      expect(trace.sizes.every((n) => n <= 5)).toBe(true);
      const parsed = trace.items.map((json) => JSON.parse(json) as { spanId: string; startTime: number });
      expect(parsed.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
      expect(parsed.map((s) => s.startTime)).toEqual([...parsed.map((s) => s.startTime)].sort((a, b) => a - b));
      // The JSON text is the span the other reads give, field for field.
      for (const json of trace.items) {
        const span = JSON.parse(json) as { spanId: string };
        expect(span).toEqual(await store.getSpan(span.spanId));
      }
      expect((await store.getTrace(traceId)).map((s) => s.spanId)).toEqual(parsed.map((s) => s.spanId));

      const outline = await collect(store.scanTraceOutline(traceId, 4));
      expect(outline.sizes.every((n) => n <= 4)).toBe(true);
      expect(outline.items.map((row) => row[0])).toEqual(parsed.map((s) => s.spanId));
      expect(outline.items[0]).toHaveLength(9);

      const exported = await collect(store.scanSpans({ traceId }, 7));
      expect(exported.items).toEqual(trace.items);
      expect((await collect(store.scanTrace(hexId(32), 5))).items).toEqual([]);
      await store.close();
    });

    it('caps a live replay at the newest changes', async () => {
      const store = await open();
      const written = await store.write(Array.from({ length: 10 }, (_, i) => encode({ service: i % 2 ? 'odd' : 'even' })));
      const first = written[0]!.seq - 1;
      const last = store.lastSeq();
      // Five 'odd' changes: a cap of 2 starts after the third newest of them.
      const start = await store.replayStart({ service: 'odd' }, first, last, 2);
      expect((await store.changesBetween({ service: 'odd' }, start, last, 100)).map((s) => s.spanId)).toEqual([written[7]!.spanId, written[9]!.spanId]);
      expect(await store.replayStart({ service: 'odd' }, first, last, 5)).toBe(first);
      await store.close();
    });

    it('records heartbeats per instance', async () => {
      const store = await open();
      await store.recordHeartbeat({ service: 'api', instanceId: 'i-1', pid: 10, host: 'h', language: 'python', runtimeVersion: '3.11', sdk: 'py/1', dropped: { queue_full: 2 }, time: 50 });
      await store.recordHeartbeat({ service: 'api', instanceId: 'i-1', pid: 10, host: 'h', language: 'python', runtimeVersion: '3.11', sdk: 'py/1', dropped: {}, time: 60 });
      const [api] = (await store.listServices()).filter((s) => s.service === 'api');
      expect(api!.instances).toEqual([expect.objectContaining({ instanceId: 'i-1', pid: 10, time: 60, dropped: {} })]);
      await store.close();
    });

    it('prunes in small transactions: a write sent during a large prune commits before the prune ends', async () => {
      const store = await open();
      for (let batch = 0; batch < 10; batch++) {
        await store.write(Array.from({ length: 2_000 }, (_, i) => encode({ startTime: 20_000 + batch * 2_000 + i })));
      }
      const order: string[] = [];
      const prune = store.pruneOlderThan(20_000 + 19_000).then((n) => order.push(`prune ${n}`));
      const write = store.write([encode({ startTime: 90_000 })]).then(() => order.push('write'));
      await Promise.all([prune, write]);
      expect(order).toEqual(['write', 'prune 19000']);
      expect(store.spanCount()).toBe(1_001);
      await store.close();
    });

    it('prunes by age and by size, and gives space back', async () => {
      const store = await open();
      // Random punctuation: a store may compress payloads, and the point here is that spans take
      // space; punctuation separates words, so the full-text index stays as small as before.
      const marks = '!#$%&()*+,-./:;<=>?@[]^_{|}~';
      const payload = () => ({ blob: Array.from(randomBytes(2_000), (byte) => marks[byte % marks.length]).join('') });
      for (let batch = 0; batch < 20; batch++) {
        await store.write(Array.from({ length: 250 }, (_, i) => encode({ startTime: 10_000 + batch * 250 + i, input: payload() })));
      }
      expect(store.spanCount()).toBe(5_000);
      expect(await store.pruneOlderThan(10_000 + 1_000)).toBe(1_000);
      expect(store.spanCount()).toBe(4_000);
      expect((await store.listSpans({ limit: 1, to: 10_999 })).items).toHaveLength(0);
      await store.compact();
      const before = store.sizeBytes();
      const deleted = await store.pruneToSize(2 * 1024 * 1024);
      await store.compact();
      expect(deleted).toBeGreaterThan(2_000);
      expect(store.sizeBytes()).toBeLessThan(before / 2);
      expect(store.sizeBytes()).toBeLessThanOrEqual(2.5 * 1024 * 1024);
      const remaining = await store.listSpans({ limit: 1000 });
      expect(remaining.items.every((s) => s.startTime >= 10_000 + 1_000 + deleted)).toBe(true);
      await store.close();
    });
  });
}
