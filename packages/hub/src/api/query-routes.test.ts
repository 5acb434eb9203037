import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

const get = async (path: string) => {
  const res = await fetch(`${t.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('query API', () => {
  it('reports health with version, store and span count', async () => {
    await postSpans(t.url, [spanRecord(), spanRecord()]);
    const { body } = await get('/api/health');
    expect(body).toMatchObject({ status: 'ok', version: expect.any(String), store: 'sqlite', uptimeS: expect.any(Number) });
    expect(body.spans).toBeGreaterThanOrEqual(2);
  });

  it('shows a service online from heartbeats, with its instance details', async () => {
    const res = await fetch(`${t.url}/api/v1/apps/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'beat-app', instanceId: 'host-1:42', pid: 42, host: 'host-1', language: 'python', sdk: { name: 'runtime-hub-python', version: '0.1.0' } }),
    });
    expect(res.status).toBe(200);
    const { body } = await get('/api/v1/services');
    const service = (body.services as Record<string, unknown>[]).find((s) => s.service === 'beat-app');
    expect(service).toMatchObject({
      online: true,
      language: 'python',
      sdk: 'runtime-hub-python/0.1.0',
      instances: [expect.objectContaining({ instanceId: 'host-1:42', pid: 42, online: true })],
    });
  });

  it('rejects a malformed heartbeat naming the field', async () => {
    const res = await fetch(`${t.url}/api/v1/apps/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'x', pid: 'nope' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/instanceId/);
    expect(body.error.message).toMatch(/pid/);
  });

  it('answers one trace with all its spans, and 404 for an unknown one', async () => {
    const traceId = hexId(32);
    const root = spanRecord({ traceId, name: 'root' });
    await postSpans(t.url, [root, spanRecord({ traceId, parentSpanId: root.spanId, name: 'child' })]);
    const { body } = await get(`/api/v1/traces/${traceId}`);
    expect((body.spans as { name: string }[]).map((s) => s.name)).toEqual(['root', 'child']);
    const missing = await get(`/api/v1/traces/${hexId(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'TRACE_NOT_FOUND' } });
  });

  it('validates query parameters precisely', async () => {
    const bad = await get('/api/v1/traces?status=weird&limit=5000');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_QUERY', message: expect.stringMatching(/status.*limit|limit.*status/s) } });
    const cursor = await get('/api/v1/spans?cursor=garbage');
    expect(cursor.body).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
  });

  it('accepts ISO dates as time bounds', async () => {
    const record = spanRecord({ service: 'iso-app', startTime: Date.parse('2024-05-01T12:00:00Z') });
    await postSpans(t.url, [record]);
    const { body } = await get('/api/v1/spans?service=iso-app&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z');
    expect((body.spans as unknown[]).length).toBe(1);
  });

  it('streams exports as JSON Lines and CSV', async () => {
    const spans = Array.from({ length: 2_500 }, (_, i) => spanRecord({ service: 'export-app', name: i === 0 ? '=cmd|evil' : 'op, "quoted"' }));
    await postSpans(t.url, spans);
    const jsonl = await fetch(`${t.url}/api/v1/export?format=jsonl&service=export-app`);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await jsonl.text()).trim().split('\n');
    expect(lines).toHaveLength(2_500);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { spanId: string }).spanId)).size).toBe(2_500);

    const csv = await (await fetch(`${t.url}/api/v1/export?format=csv&service=export-app`)).text();
    const rows = csv.trim().split('\n');
    expect(rows[0]).toMatch(/^traceId,spanId,parentSpanId,service,name/);
    expect(rows).toHaveLength(2_501);
    expect(rows[1]).toContain(",'=cmd|evil,");
    expect(rows[2]).toContain('"op, ""quoted"""');
  });

  it('lists sessions and error groups', async () => {
    await postSpans(t.url, [
      spanRecord({ sessionId: 'sess-42', service: 'sess-app' }),
      spanRecord({ service: 'err-app', status: 'error', error: { type: 'TypeError', message: 'x is undefined' } }),
      spanRecord({ service: 'err-app', status: 'error', error: { type: 'TypeError', message: 'x is undefined' } }),
    ]);
    const sessions = await get('/api/v1/sessions?service=sess-app');
    expect(sessions.body.sessions).toEqual([expect.objectContaining({ sessionId: 'sess-42', traceCount: 1 })]);
    const errors = await get('/api/v1/errors?service=err-app');
    expect(errors.body.groups).toEqual([expect.objectContaining({ type: 'TypeError', count: 2, services: ['err-app'] })]);
  });

  it('serves a page at / and JSON 404s under /api', async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const api = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
  });
});
