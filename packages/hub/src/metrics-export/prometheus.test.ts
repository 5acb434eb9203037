import { afterEach, describe, expect, it } from 'vitest';
import { LiveTestClient } from '../testing/live-client.js';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { emitDeploymentHealth } from '../deploy/health-events.js';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** The value of one sample in Prometheus text, e.g. `runtime_hub_ingest_rejected_total{code="INVALID_ID"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', { timeout: 180_000 }, () => {
  it('counts ingest, rejects by code, store writes, live clients, databases, workflow runs and alerts firing', async () => {
    hub = await startTestHub();
    const live = new LiveTestClient(hub.url);
    await live.until(() => live.historyDone, 90_000);
    const run = spanRecord({ service: 'etl', name: 'nightly', kind: 'workflow', status: 'error', attributes: { 'workflow.run.id': 'run_1', 'workflow.run.status': 'failed' } });
    const response = await postSpans(hub.url, [spanRecord(), spanRecord(), run, spanRecord({ spanId: 'not-hex' }), spanRecord({ traceId: 'zz' })]);
    expect(response.status).toBe(200);
    await live.until(() => live.received.length >= 3, 90_000);
    await fetch(`${hub.url}/api/v1/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'down', condition: { type: 'deployment_down' } }),
    });
    emitDeploymentHealth(hub.hub.ctx, { project: 'api', target: 'local', deployment: 'd_1', url: null, status: 'down', previous: null, changed: true, at: Date.now(), responseMs: null, error: 'connection refused' });

    const scrape = await fetch(`${hub.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    const text = await scrape.text();
    expect(sample(text, 'runtime_hub_ingest_spans_total')).toBe(3);
    expect(sample(text, 'runtime_hub_ingest_rejected_total{code="INVALID_ID"}')).toBe(2);
    expect(sample(text, 'runtime_hub_store_write_seconds_count')).toBe(1);
    expect(sample(text, 'runtime_hub_live_clients')).toBe(1);
    expect(sample(text, 'runtime_hub_live_queued_spans')).toBe(0);
    expect(sample(text, 'runtime_hub_spans_stored')).toBe(3);
    expect(sample(text, 'runtime_hub_database_bytes{database="spans"}')).toBeGreaterThan(0);
    expect(sample(text, 'runtime_hub_workflow_runs_total{status="failed"}')).toBe(1);
    expect(sample(text, 'runtime_hub_alerts_firing')).toBe(1);
    expect(text).toContain('# TYPE runtime_hub_store_write_seconds histogram');
    live.close();
  });

  it('needs the token when the hub has one', async () => {
    hub = await startTestHub({ token: 'scrape-secret' });
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('runtime_hub_ingest_spans_total 0');
  });
});
