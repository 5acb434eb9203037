import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitDeploymentHealth, type DeploymentHealthEvent } from '../deploy/health-events.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { startWebhookRecorder, type RecordedHook } from '../testing/webhook-recorder.js';

/**
 * Analytics and alerts with two hubs on one PostgreSQL and Redis (issue 14): the metrics of either
 * hub count every hub's spans, and a rule fires and resolves once across the hubs, whichever hub
 * the spans went through. Notifications go to a local webhook server.
 */
let pg: PostgresServer;
let redis: RedisTestServer;
let hubA: TestHub;
let hubB: TestHub;
let webhook: Awaited<ReturnType<typeof startWebhookRecorder>>;
let webhookUrl: string;
let hooks: RecordedHook[] = [];

beforeAll(async () => {
  webhook = await startWebhookRecorder();
  ({ url: webhookUrl, hooks } = webhook);
  [pg, redis] = await Promise.all([startPostgres(), startRedisServer()]);
  const dbUrl = await pg.createDatabase();
  // Hubs of one deployment share the key their workflow secrets are encrypted with (this file's process only).
  process.env.RUNTIME_HUB_SECRET_KEY = randomBytes(32).toString('base64');
  // Two replicas: one database, one Redis, each hub its own data folder; both evaluate often.
  hubA = await startTestHub({ dbUrl, redisUrl: redis.url, alerts: { evaluateEveryMs: 100 } });
  hubB = await startTestHub({ dbUrl, redisUrl: redis.url, alerts: { evaluateEveryMs: 100 } });
}, 120_000);

afterAll(async () => {
  await hubA?.close();
  await hubB?.close();
  await redis?.close();
  await pg?.close();
  webhook?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply shapes are checked field by field below
async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Several evaluations and flushes on both hubs: a second notification or a second count would show in this time. */
const severalTicks = () => new Promise((resolve) => setTimeout(resolve, 3000));

const calls = async (hub: TestHub, service: string, from: number) =>
  ((await getJson(`${hub.url}/api/v1/metrics/series?service=${service}&from=${from}&to=${Date.now() + 60_000}`)) as { totals: { calls: number } }).totals.calls;

function spans(service: string, count: number, failing: number): Record<string, unknown>[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => spanRecord({ service, name: 'charge', startTime: now - 1000 + i, endTime: now - 900 + i, status: i < failing ? 'error' : 'ok' }));
}

describe('scaled mode: analytics and alerts across two hubs (PostgreSQL)', () => {
  it('the metrics API of hub A counts spans ingested through hub B; a span whose records went to both hubs counts once', async () => {
    const from = Date.now() - 5 * 60_000;
    expect((await postSpans(hubB.url, spans('only-via-b', 7, 2))).status).toBe(200);
    await waitFor('hub A to count hub B’s spans', async () => (await calls(hubA, 'only-via-b', from)) === 7);
    const series = await getJson(`${hubA.url}/api/v1/metrics/series?service=only-via-b&from=${from}&to=${Date.now() + 60_000}`);
    expect(series.totals.errors).toBe(2);

    // The end record reaches hub A; the late start record of the same span reaches hub B, where the
    // merged span is ended too: B must not count it a second time.
    const traceId = hexId(32);
    const spanId = hexId(16);
    const startTime = Date.now() - 2000;
    const end = spanRecord({ traceId, spanId, service: 'split-span', name: 'work', startTime, endTime: startTime + 40, status: 'ok' });
    const start = { ...spanRecord({ traceId, spanId, service: 'split-span', name: 'work', startTime }), endTime: undefined, status: 'unset' };
    expect((await postSpans(hubA.url, [end])).status).toBe(200);
    await waitFor('hub B to see the span counted', async () => (await calls(hubB, 'split-span', from)) === 1);
    expect((await postSpans(hubB.url, [start])).status).toBe(200);
    expect((await postSpans(hubB.url, [end])).status).toBe(200); // and an SDK's resend of the end, through hub B
    await severalTicks();
    expect(await calls(hubA, 'split-span', from)).toBe(1);
    expect(await calls(hubB, 'split-span', from)).toBe(1);
  }, 180_000);

  it('an error-rate rule fires once and resolves once across both hubs, with spans ingested through both', async () => {
    const created = await fetch(`${hubA.url}/api/v1/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'payments failing', condition: { type: 'error_rate', service: 'payments', thresholdPct: 20, windowMinutes: 5, minCalls: 20 }, webhookUrl: `${webhookUrl}/hook/payments` }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    // The rule is in the shared database: hub B lists it.
    const listed = await getJson(`${hubB.url}/api/v1/alerts/rules`);
    expect(listed.rules.map((r: { name: string }) => r.name)).toContain('payments failing');

    const ofRule = () => hooks.filter((h) => h.path === '/hook/payments').map((h) => h.text.split(':')[0]);
    // 10 of 20 calls fail, half of them through each hub: 20 calls are needed (minCalls), so only both hubs' spans together fire it.
    for (const [hub, batch] of [[hubA, spans('payments', 10, 5)], [hubB, spans('payments', 10, 5)]] as const) expect((await postSpans(hub.url, batch)).status).toBe(200);
    await waitFor('the rule to fire', () => ofRule().length >= 1);
    await severalTicks();
    expect(ofRule()).toEqual(['FIRING']);
    for (const hub of [hubA, hubB]) {
      const { alerts, firing } = await getJson(`${hub.url}/api/v1/alerts?state=firing`);
      expect(firing).toBe(1);
      expect(alerts[0].title).toContain('10 of 20 calls');
    }

    // 180 good calls through both hubs bring the rate under the threshold (10 / 200 = 5 % in the end).
    for (const hub of [hubA, hubB]) expect((await postSpans(hub.url, spans('payments', 90, 0))).status).toBe(200);
    await waitFor('the rule to resolve', () => ofRule().length >= 2);
    await severalTicks();
    expect(ofRule()).toEqual(['FIRING', 'RESOLVED']);
    const history = await getJson(`${hubB.url}/api/v1/alerts/events`);
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['fired', 'resolved']);
  }, 180_000);

  it('a deployment going down on either hub is notified once, also by the hub that does not lead (through the inbox)', async () => {
    const created = await fetch(`${hubB.url}/api/v1/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'deployments down', condition: { type: 'deployment_down', deployment: 'api' }, webhookUrl: `${webhookUrl}/hook/deploy` }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    // Each hub checks the apps it runs (deploy/health-monitor.ts): one of the two does not lead.
    const check = (target: string, status: DeploymentHealthEvent['status']): DeploymentHealthEvent => ({
      project: 'api', target, deployment: `d_${target}`, url: `http://127.0.0.1:9/${target}/health`, status, previous: status === 'down' ? 'healthy' : 'down', changed: true, at: Date.now(), responseMs: null, error: status === 'down' ? 'connection refused' : null,
    });
    const ofRule = () => hooks.filter((h) => h.path === '/hook/deploy').map((h) => h.text);
    await severalTicks(); // the leader, whichever it is, has read the new rule
    emitDeploymentHealth(hubA.hub.ctx, check('on-a', 'down'));
    emitDeploymentHealth(hubB.hub.ctx, check('on-b', 'down'));
    await waitFor('both deployments to fire', () => ofRule().length >= 2);
    await severalTicks();
    expect(ofRule().map((text) => text.split(':')[0])).toEqual(['FIRING', 'FIRING']);
    expect(ofRule().some((text) => text.includes('api/on-a')) && ofRule().some((text) => text.includes('api/on-b'))).toBe(true);
    emitDeploymentHealth(hubA.hub.ctx, check('on-a', 'healthy'));
    emitDeploymentHealth(hubB.hub.ctx, check('on-b', 'healthy'));
    await waitFor('both deployments to resolve', () => ofRule().length >= 4);
    await severalTicks();
    expect(ofRule().map((text) => text.split(':')[0]).sort()).toEqual(['FIRING', 'FIRING', 'RESOLVED', 'RESOLVED']);
  }, 180_000);
});
