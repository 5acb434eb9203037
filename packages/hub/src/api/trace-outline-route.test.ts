import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('GET /api/v1/traces/:traceId/outline', () => {
  it('lists every span without payloads, by start time, with services and names interned', async () => {
    const traceId = hexId(32);
    const root = spanRecord({ traceId, name: 'handle', startTime: 1000, endTime: 1100, input: { big: 'x'.repeat(500) } });
    const a = spanRecord({ traceId, parentSpanId: root.spanId, name: 'db.query', startTime: 1010, endTime: 1020 });
    const b = spanRecord({ traceId, parentSpanId: root.spanId, name: 'db.query', startTime: 1030, endTime: null });
    const c = spanRecord({ traceId, parentSpanId: root.spanId, service: 'other', name: 'charge', startTime: 1040, endTime: 1090, status: 'error', error: { type: 'E', message: 'm' } });
    expect((await postSpans(t.url, [c, b, a, root])).status).toBe(200);

    const res = await fetch(`${t.url}/api/v1/traces/${traceId}/outline`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { traceId: string; services: string[]; names: string[]; spans: unknown[][] };
    expect(body.traceId).toBe(traceId);
    expect(body.names).toEqual(['handle', 'db.query', 'charge']);
    expect(body.services).toEqual([root.service, 'other']);
    expect(body.spans.map((s) => s[0])).toEqual([root.spanId, a.spanId, b.spanId, c.spanId]);
    const [spanId, parent, service, name, kind, start, end, status, seq] = body.spans[3]!;
    expect({ spanId, parent, service, name, kind, start, end, status }).toEqual({
      spanId: c.spanId,
      parent: root.spanId,
      service: 1,
      name: 2,
      kind: c.kind,
      start: 1040,
      end: 1090,
      status: 'error',
    });
    expect(typeof seq).toBe('number');
    expect(body.spans[0]![1]).toBeNull();
    expect(body.spans[2]![6]).toBeNull(); // still running
    expect(JSON.stringify(body)).not.toContain('xxxxx');
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    const missing = await fetch(`${t.url}/api/v1/traces/${hexId(32)}/outline`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('TRACE_NOT_FOUND');
    const bad = await fetch(`${t.url}/api/v1/traces/not-a-trace/outline`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_QUERY');
  });
});
