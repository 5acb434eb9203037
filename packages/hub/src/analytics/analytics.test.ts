import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply shapes are checked field by field below
async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

const minute = (t: number) => Math.floor(t / 60_000) * 60_000;

describe('metrics from rollups', { timeout: 180_000 }, () => {
  it('counts each ended span once: start then end, a repeated end, a late start', async () => {
    hub = await startTestHub();
    const t0 = minute(Date.now()) - 10 * 60_000;
    const traceId = hexId(32);
    const spanId = hexId(16);
    const start = { ...spanRecord({ traceId, spanId, service: 'shop', name: 'checkout', startTime: t0 + 1000 }), endTime: undefined, status: 'unset' };
    const end = spanRecord({ traceId, spanId, service: 'shop', name: 'checkout', startTime: t0 + 1000, endTime: t0 + 1250, status: 'error' });
    for (const body of [[start], [end], [end], [start]]) expect((await postSpans(hub.url, body)).status).toBe(200);
    const series = await getJson(`${hub.url}/api/v1/metrics/series?service=shop&from=${t0}&to=${t0 + 5 * 60_000}`);
    expect(series.totals.calls).toBe(1);
    expect(series.totals.errors).toBe(1);
    expect(series.totals.p50Ms).toBeGreaterThan(250 * 0.95);
    expect(series.totals.p50Ms).toBeLessThanOrEqual(250);
  });

  it('answers calls, error rate, quantiles, tokens and cost per step and per function', async () => {
    hub = await startTestHub();
    const t0 = minute(Date.now()) - 30 * 60_000;
    const spans = [];
    // 100 calls of `fast` over two minutes, durations 1..100 ms, every tenth failing.
    for (let i = 1; i <= 100; i++) {
      const startTime = t0 + (i <= 50 ? 0 : 60_000) + i;
      spans.push(spanRecord({ service: 'api', name: 'fast', startTime, endTime: startTime + i, status: i % 10 === 0 ? 'error' : 'ok' }));
    }
    // 5 slow LLM calls with usage.
    for (let i = 0; i < 5; i++) {
      spans.push(
        spanRecord({
          service: 'api', name: 'chat', kind: 'llm', startTime: t0 + i, endTime: t0 + i + 2000,
          attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 },
        }),
      );
    }
    expect((await postSpans(hub.url, spans)).status).toBe(200);
    const series = await getJson(`${hub.url}/api/v1/metrics/series?service=api&name=fast&from=${t0}&to=${t0 + 10 * 60_000}&step=60000`);
    expect(series.t).toEqual([t0, t0 + 60_000]);
    expect(series.calls).toEqual([50, 50]);
    expect(series.errors).toEqual([5, 5]);
    expect(series.totals.errorRate).toBeCloseTo(0.1);
    // Quantiles within the histogram's ±4.5 %.
    expect(series.totals.p50Ms / 50).toBeGreaterThan(0.95);
    expect(series.totals.p50Ms / 50).toBeLessThan(1.05);
    expect(series.totals.p95Ms / 95).toBeGreaterThan(0.95);
    expect(series.totals.p99Ms / 99).toBeGreaterThan(0.95);
    expect(series.totals.maxMs).toBe(100);

    const slow = await getJson(`${hub.url}/api/v1/metrics/breakdown?by=function&sort=p95&from=${t0}&to=${t0 + 10 * 60_000}`);
    expect(slow.rows.map((r: { name: string }) => r.name)).toEqual(['chat', 'fast']);
    const models = await getJson(`${hub.url}/api/v1/metrics/breakdown?by=model&sort=cost&from=${t0}&to=${t0 + 10 * 60_000}`);
    expect(models.rows).toHaveLength(1);
    expect(models.rows[0]).toMatchObject({ model: 'gpt-4o-mini', calls: 5, inputTokens: 5000, outputTokens: 500 });
    expect(models.rows[0].costUsd).toBeGreaterThan(0);
  });

  it('answers long and old ranges from coarser tiers with the same totals, and keeps rollups across a restart', async () => {
    hub = await startTestHub();
    const t0 = minute(Date.now()) - 3 * 3_600_000;
    const spans = [];
    for (let i = 0; i < 120; i++) spans.push(spanRecord({ service: 'batch', name: 'job', startTime: t0 + i * 60_000, endTime: t0 + i * 60_000 + (i % 2 === 0 ? 10 : 1000), status: i < 30 ? 'error' : 'ok' }));
    expect((await postSpans(hub.url, spans)).status).toBe(200);
    const range = `from=${t0}&to=${t0 + 120 * 60_000}`;
    const minutes = await getJson(`${hub.url}/api/v1/metrics/series?service=batch&${range}&step=60000`);
    expect(minutes.calls).toHaveLength(120);
    expect(minutes.totals).toMatchObject({ calls: 120, errors: 30, maxMs: 1000 });
    // A day at hourly steps reads hour rows; the breakdown reads the coarsest rows that fit.
    const wide = `from=${t0 - 20 * 3_600_000}&to=${t0 + 4 * 3_600_000}`;
    const hours = await getJson(`${hub.url}/api/v1/metrics/series?service=batch&${wide}&step=3600000`);
    expect(hours.totals).toEqual(minutes.totals);
    const byFunction = await getJson(`${hub.url}/api/v1/metrics/breakdown?by=function&${wide}`);
    expect(byFunction.rows).toEqual([{ service: 'batch', name: 'job', ...minutes.totals }]);

    const dataDir = hub.dataDir;
    await hub.hub.close();
    const again = await startTestHub({ dataDir });
    try {
      const restarted = await getJson(`${again.url}/api/v1/metrics/series?service=batch&${range}&step=60000`);
      expect(restarted.totals).toEqual(minutes.totals);
    } finally {
      await again.close();
      hub = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('counts names past 200 per service and minute under "(other names)", so ids in span names cannot blow up the rollups', async () => {
    hub = await startTestHub();
    const t0 = minute(Date.now()) - 5 * 60_000;
    const spans = Array.from({ length: 300 }, (_, i) => spanRecord({ service: 'users-api', name: `GET /users/${1000 + i}`, startTime: t0 + i, endTime: t0 + i + 3 }));
    // Two requests, so the cap holds across flushes too.
    expect((await postSpans(hub.url, spans.slice(0, 150))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await postSpans(hub.url, spans.slice(150))).status).toBe(200);
    const rows = (await getJson(`${hub.url}/api/v1/metrics/breakdown?by=function&service=users-api&limit=500&from=${t0}&to=${t0 + 60_000}`)).rows as { name: string; calls: number }[];
    expect(rows).toHaveLength(201);
    expect(rows.find((r) => r.name === '(other names)')?.calls).toBe(100);
    expect(rows.reduce((n, r) => n + r.calls, 0)).toBe(300);
  });

  it('answers a clear 400 for a range that makes no sense', async () => {
    hub = await startTestHub();
    const response = await fetch(`${hub.url}/api/v1/metrics/series?from=2000&to=1000`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'INVALID_QUERY', details: { from: 2000, to: 1000 } });
    const by = await fetch(`${hub.url}/api/v1/metrics/breakdown?by=planet`);
    expect(by.status).toBe(400);
    expect(((await by.json()) as { error: { code: string } }).error.code).toBe('INVALID_QUERY');
  });
});
