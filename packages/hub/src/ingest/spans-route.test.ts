import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ bodyLimitBytes: 10 * 1024 * 1024 });
});
afterAll(() => t.close());

async function getSpan(spanId: string) {
  const res = await fetch(`${t.url}/api/v1/spans/${spanId}`);
  return res.status === 200 ? ((await res.json()) as { span: Record<string, unknown> }).span : undefined;
}

async function ingest(spans: unknown[]) {
  const res = await postSpans(t.url, spans);
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; rejected: { index: number; code: string; message: string }[] };
}

async function expectHealthy() {
  const res = await fetch(`${t.url}/api/health`);
  expect(res.status).toBe(200);
}

describe('POST /api/v1/spans', () => {
  it('stores valid records and reports each rejected one with index, code and message', async () => {
    const good = spanRecord();
    const result = await ingest([
      good,
      { ...spanRecord(), traceId: 'not-hex' },
      { ...spanRecord(), startTime: 'yesterday' },
      { ...spanRecord(), service: undefined },
      42,
      { ...spanRecord(), kind: 'banana' },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      { index: 1, code: 'INVALID_ID', message: expect.stringContaining('traceId') },
      { index: 2, code: 'INVALID_TIME', message: expect.stringContaining('startTime') },
      { index: 3, code: 'MISSING_FIELD', message: 'service: is required' },
      { index: 4, code: 'INVALID_RECORD', message: expect.any(String) },
      { index: 5, code: 'INVALID_FIELD', message: expect.stringContaining('kind') },
    ]);
    expect(await getSpan(good.spanId as string)).toMatchObject({ name: 'do_work', output: 3 });
  });

  it('accepts uppercase ids by lowering them', async () => {
    const spanId = hexId(16).toUpperCase();
    const result = await ingest([spanRecord({ spanId, traceId: hexId(32).toUpperCase() })]);
    expect(result).toEqual({ accepted: 1, rejected: [] });
    expect(await getSpan(spanId.toLowerCase())).toMatchObject({ spanId: spanId.toLowerCase() });
  });

  it('rejects ids of the wrong length and the all-zero id', async () => {
    const result = await ingest([spanRecord({ spanId: 'abc' }), spanRecord({ traceId: '0'.repeat(32) })]);
    expect(result.rejected.map((r) => r.code)).toEqual(['INVALID_ID', 'INVALID_ID']);
  });

  it('answers malformed JSON with 400 INVALID_JSON and stays up', async () => {
    const res = await fetch(`${t.url}/api/v1/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"spans": [ {"traceId": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_JSON', message: expect.stringContaining('JSON') } });
    await expectHealthy();
  });

  it('answers a body without a spans array with 400 INVALID_BODY naming the field', async () => {
    for (const body of ['{}', '[]', '{"spans": 3}', 'null']) {
      const res = await fetch(`${t.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('INVALID_BODY');
    }
  });

  it('rejects a record whose payload is many megabytes and keeps the others', async () => {
    const small = spanRecord();
    const huge = spanRecord({ input: { blob: 'x'.repeat(3 * 1024 * 1024) } });
    const result = await ingest([huge, small]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 0, code: 'RECORD_TOO_LARGE', message: expect.stringContaining('bytes') }]);
    expect(await getSpan(small.spanId as string)).toBeDefined();
  });

  it('rejects names longer than the limit with FIELD_TOO_LONG', async () => {
    const result = await ingest([spanRecord({ name: 'n'.repeat(5000) })]);
    expect(result.rejected[0]).toMatchObject({ code: 'FIELD_TOO_LONG', message: expect.stringContaining('name') });
  });

  it('rejects a value nested 10,000 levels deep and keeps the others', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const ok = spanRecord();
    const body = `{"spans":[${JSON.stringify(ok)},${JSON.stringify(spanRecord()).slice(0, -1)},"input":${deep}}]}`;
    const res = await fetch(`${t.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { accepted: number; rejected: { index: number; code: string; message: string }[] };
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 1, code: 'NESTING_TOO_DEEP', message: expect.stringContaining('input') }]);
    await expectHealthy();
  });

  it('rejects only the records that held invalid UTF-8', async () => {
    const clean = spanRecord();
    const dirty = spanRecord({ name: 'PLACEHOLDER' });
    const text = JSON.stringify({ spans: [clean, dirty] });
    const [before, after] = text.split('PLACEHOLDER') as [string, string];
    const body = Buffer.concat([Buffer.from(before), Buffer.from([0x66, 0xff, 0xfe, 0x6f]), Buffer.from(after)]);
    const res = await fetch(`${t.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const result = (await res.json()) as { accepted: number; rejected: { index: number; code: string }[] };
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 1, code: 'INVALID_UTF8', message: expect.any(String) }]);
    expect(await getSpan(clean.spanId as string)).toBeDefined();
    expect(await getSpan(dirty.spanId as string)).toBeUndefined();
  });

  it('ignores unknown fields', async () => {
    const record = spanRecord({ favouriteColour: 'blue', nested: { a: 1 } });
    expect(await ingest([record])).toEqual({ accepted: 1, rejected: [] });
    const span = await getSpan(record.spanId as string);
    expect(span).toBeDefined();
    expect(span).not.toHaveProperty('favouriteColour');
  });

  it('stores an end record that never had a start', async () => {
    const end = spanRecord({ input: undefined });
    expect((await ingest([end])).accepted).toBe(1);
    expect(await getSpan(end.spanId as string)).toMatchObject({ status: 'ok', endTime: end.endTime });
  });

  it('completes a running span with its end record', async () => {
    const start = spanRecord({ endTime: undefined, status: 'unset', output: undefined });
    await ingest([start]);
    expect(await getSpan(start.spanId as string)).toMatchObject({ endTime: null, status: 'unset', durationMs: null });
    await ingest([{ ...start, endTime: (start.startTime as number) + 50, status: 'error', error: { type: 'KeyError', message: "'x'" } }]);
    expect(await getSpan(start.spanId as string)).toMatchObject({
      endTime: (start.startTime as number) + 50,
      durationMs: 50,
      status: 'error',
      input: start.input,
      error: { type: 'KeyError', message: "'x'" },
    });
  });

  it('keeps the end data when the start arrives after the end', async () => {
    const base = spanRecord({ attributes: { 'code.lineno': 10 } });
    const end = { ...base, input: undefined, output: 'done', status: 'ok' };
    const lateStart = { ...base, endTime: undefined, status: 'unset', output: undefined, input: { a: 1 }, attributes: { 'thread.id': 7 } };
    await ingest([end]);
    await ingest([lateStart]);
    expect(await getSpan(base.spanId as string)).toMatchObject({
      endTime: base.endTime,
      status: 'ok',
      output: 'done',
      input: { a: 1 },
      attributes: { 'code.lineno': 10, 'thread.id': 7 },
    });
  });

  it('accepts gzip bodies and rejects corrupt ones with 400', async () => {
    const record = spanRecord();
    const res = await fetch(`${t.url}/api/v1/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ spans: [record] })),
    });
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    const bad = await fetch(`${t.url}/api/v1/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: Buffer.from('definitely not gzip'),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_BODY' } });
    const unknown = await fetch(`${t.url}/api/v1/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-ish' },
      body: '{}',
    });
    expect(unknown.status).toBe(415);
    await expectHealthy();
  });
});

describe('body limit', () => {
  let small: TestHub;
  beforeAll(async () => {
    small = await startTestHub({ bodyLimitBytes: 64 * 1024 });
  });
  afterAll(() => small.close());

  it('answers 413 PAYLOAD_TOO_LARGE, also when a small gzip body inflates past the limit', async () => {
    const big = [spanRecord({ input: 'y'.repeat(100 * 1024) })];
    const res = await postSpans(small.url, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const bomb = gzipSync(JSON.stringify({ spans: [spanRecord({ input: 'z'.repeat(1024 * 1024) })] }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res2 = await fetch(`${small.url}/api/v1/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(res2.status).toBe(413);
    expect((await fetch(`${small.url}/api/health`)).status).toBe(200);
  });
});
