import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAN_LIMITS } from '@runtime-hub/protocol';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

// Limits hold for what the hub stores, not only for each record it receives (issue 16).

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

async function ingest(spans: unknown[]) {
  const res = await postSpans(t.url, spans);
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; rejected: { index: number; code: string; message: string }[] };
}

async function getSpan(spanId: string) {
  const res = await fetch(`${t.url}/api/v1/spans/${spanId}`);
  return res.status === 200 ? ((await res.json()) as { span: { traceId: string; attributes?: Record<string, unknown>; name: string } }).span : undefined;
}

describe('limits apply to the merged span', () => {
  it('re-sending a spanId with new attribute keys never grows it past the attribute limit', async () => {
    const base = spanRecord({ endTime: null });
    for (let round = 0; round < 6; round++) {
      const attributes = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${round}_${i}`, i]));
      const result = await ingest([{ ...base, endTime: round % 2 ? (base.startTime as number) + 1 : null, attributes }]);
      expect(result.accepted).toBe(1);
    }
    const span = await getSpan(base.spanId as string);
    expect(Object.keys(span!.attributes!).length).toBeLessThanOrEqual(SPAN_LIMITS.maxAttributes);
    expect(Object.keys(span!.attributes!).length).toBeGreaterThanOrEqual(200);
  });

  it('re-sending a spanId with large attribute values never grows it past the record size limit', async () => {
    const base = spanRecord({ endTime: null });
    const big = 'x'.repeat(300_000);
    for (let round = 0; round < 8; round++) {
      expect((await ingest([{ ...base, attributes: { [`big${round}`]: big } }])).accepted).toBe(1);
    }
    const span = await getSpan(base.spanId as string);
    expect(JSON.stringify(span!.attributes).length).toBeLessThanOrEqual(SPAN_LIMITS.maxRecordBytes);
  });
});

describe('identity and time', () => {
  it('rejects a spanId reused under another traceId with SPAN_ID_CONFLICT and keeps the span where it was', async () => {
    const first = spanRecord({ name: 'original' });
    await ingest([first]);
    const other = spanRecord();
    const reuse = spanRecord({ name: 'intruder', spanId: first.spanId });
    const result = await ingest([other, reuse]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 1, code: 'SPAN_ID_CONFLICT', message: expect.stringContaining(first.spanId as string) }]);
    const span = await getSpan(first.spanId as string);
    expect(span).toMatchObject({ traceId: first.traceId, name: 'original' });
    const moved = await fetch(`${t.url}/api/v1/traces/${reuse.traceId as string}`);
    expect(moved.status).toBe(404);
  });

  it('rejects an end before its start and dates past the JavaScript range with INVALID_TIME', async () => {
    const now = Date.now();
    const result = await ingest([spanRecord({ startTime: now, endTime: now - 10 }), spanRecord({ startTime: 1e17 }), spanRecord()]);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'INVALID_TIME'],
      [1, 'INVALID_TIME'],
    ]);
  });
});
