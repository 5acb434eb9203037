import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

const ORIGINAL = '1'.repeat(32);
const BRANCH = '2'.repeat(32);
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  const now = Date.now();
  await postSpans(hub.url, [
    spanRecord({ traceId: ORIGINAL, spanId: '1'.repeat(16), name: 'main', startTime: now, endTime: now + 50 }),
    spanRecord({ traceId: ORIGINAL, spanId: '3'.repeat(16), parentSpanId: '1'.repeat(16), name: 'step', startTime: now + 1, endTime: now + 10, attributes: { 'runtime_hub.replay.input_hash': 'sha256:0', 'runtime_hub.replay.result': '7' } }),
    spanRecord({ traceId: ORIGINAL, spanId: '4'.repeat(16), parentSpanId: '1'.repeat(16), name: 'step', startTime: now + 11, endTime: now + 20 }),
    spanRecord({ traceId: BRANCH, spanId: '5'.repeat(16), name: 'main', startTime: now + 100, endTime: now + 150, attributes: { 'runtime_hub.replay.of': ORIGINAL, 'runtime_hub.replay.from_span': '4'.repeat(16) } }),
  ]);
});

afterAll(async () => {
  await hub?.close();
});

const json = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${hub.url}${path}`, init);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are checked field by field below
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('replay routes', () => {
  it('GET a recording: places, phases and the recorded result', async () => {
    const { status, body } = await json(`/api/v1/replay/recordings/${ORIGINAL}?from=${'4'.repeat(16)}`);
    expect(status).toBe(200);
    expect(body.checkpoint.place).toBe('main#0/step#1');
    expect(body.calls).toMatchObject([
      { place: 'main#0', phase: 'ancestor' },
      { place: 'main#0/step#0', phase: 'before', result: 7, inputHash: 'sha256:0' },
      { place: 'main#0/step#1', phase: 'checkpoint' },
    ]);
  });

  it('POST /api/v1/replay plans a replay: a new trace id and the comparison URL', async () => {
    const { status, body } = await json('/api/v1/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceId: ORIGINAL, fromSpan: '4'.repeat(16), input: { x: 1 } }) });
    expect(status).toBe(200);
    expect(body.newTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.compareUrl).toBe(`/compare/${ORIGINAL}/${body.newTraceId as string}`);
    expect(body.command).toContain(`runtime-hub replay ${ORIGINAL} --from ${'4'.repeat(16)} --input`);
  });

  it('unknown traces and spans are 404s that name them; bad ids are 400s that say where', async () => {
    expect(await json(`/api/v1/replay/recordings/${'9'.repeat(32)}?from=${'4'.repeat(16)}`)).toMatchObject({ status: 404, body: { error: { code: 'TRACE_NOT_FOUND' } } });
    expect(await json(`/api/v1/replay/recordings/${ORIGINAL}?from=${'9'.repeat(16)}`)).toMatchObject({ status: 404, body: { error: { code: 'SPAN_NOT_FOUND' } } });
    const bad = await json(`/api/v1/replay/recordings/${ORIGINAL}?from=nothex`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    const badBody = await json('/api/v1/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceId: ORIGINAL }) });
    expect(badBody).toMatchObject({ status: 400, body: { error: { code: 'INVALID_BODY' } } });
    expect(JSON.stringify(badBody.body)).toContain('fromSpan');
  });

  it('a trace knows its branches and a branch where it came from, also after a restart', async () => {
    const expected = { branchOf: null, branches: [{ traceId: BRANCH, fromSpan: '4'.repeat(16), compareUrl: `/compare/${ORIGINAL}/${BRANCH}` }] };
    expect((await json(`/api/v1/replay/branches?traceId=${ORIGINAL}`)).body).toMatchObject(expected);
    expect((await json(`/api/v1/replay/branches?traceId=${BRANCH}`)).body.branchOf).toMatchObject({ traceId: ORIGINAL, fromSpan: '4'.repeat(16) });
    const dataDir = hub.dataDir;
    await hub.hub.close();
    const again = await startTestHub({ dataDir });
    try {
      const response = await fetch(`${again.url}/api/v1/replay/branches?traceId=${ORIGINAL}`);
      expect(await response.json()).toMatchObject(expected);
    } finally {
      await again.close();
      rmSync(dataDir, { recursive: true, force: true });
      hub = { ...hub, close: async () => undefined };
    }
  });
});
