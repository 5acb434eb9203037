import type { ServiceInfo, Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTestClient } from '../testing/live-client.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let pg: PostgresServer;
let redis: RedisTestServer;
let hubA: TestHub;
let hubB: TestHub;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedisServer()]);
  const dbUrl = await pg.createDatabase();
  // Two replicas of one deployment: one database, one Redis, each hub its own data folder.
  hubA = await startTestHub({ dbUrl, redisUrl: redis.url });
  hubB = await startTestHub({ dbUrl, redisUrl: redis.url });
}, 120_000);

afterAll(async () => {
  await hubA?.close();
  await hubB?.close();
  await redis?.close();
  await pg?.close();
});

/** Start records, then end records of the same spans: each span changes twice, through either hub. */
async function burst(traceId: string, count: number, round: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => hexId(16));
  const start = Date.now();
  const starts = ids.map((spanId, i) => spanRecord({ traceId, spanId, name: `r${round}-${i}`, service: 'fanout-test', startTime: start, endTime: null, status: 'unset' }));
  const ends = ids.map((spanId, i) => spanRecord({ traceId, spanId, name: `r${round}-${i}`, service: 'fanout-test', startTime: start, endTime: start + 3, status: 'ok' }));
  const half = Math.ceil(count / 2);
  const posts = [postSpans(hubA.url, starts.slice(0, half)), postSpans(hubB.url, starts.slice(half))];
  for (const response of await Promise.all(posts)) expect(response.status).toBe(200);
  const again = [postSpans(hubB.url, ends.slice(0, half)), postSpans(hubA.url, ends.slice(half))];
  for (const response of await Promise.all(again)) expect(response.status).toBe(200);
  return ids;
}

describe('scaled mode: live delivery across two hubs (PostgreSQL feed, Redis adapter)', () => {
  it('a dashboard sees every hub’s spans exactly once, in order per span, also after reconnecting to the other hub', async () => {
    const traceId = hexId(32);
    const filter = { traceId };
    const first = new LiveTestClient(hubA.url, filter);
    // Another dashboard with the same filter on hub B the whole time: both hubs have the room.
    const watcher = new LiveTestClient(hubB.url, filter);
    await first.until(() => first.historyDone);
    await watcher.until(() => watcher.historyDone);
    const expected: string[] = [];
    for (let round = 0; round < 5; round++) expected.push(...(await burst(traceId, 40, round)));
    await first.until(() => new Set(first.received.map((s) => s.spanId)).size === expected.length, 60_000);

    // The dashboard loses hub A and comes back through the load balancer on hub B, mid-stream.
    const writes = (async () => {
      for (let round = 5; round < 10; round++) expected.push(...(await burst(traceId, 40, round)));
    })();
    first.close();
    const second = new LiveTestClient(hubB.url, filter);
    second.cursor = first.cursor; // what the dashboard remembered; sent with its first subscribe
    await writes;

    const all = (): Span[] => [...first.received, ...second.received];
    const ended = (): number => {
      const latest = new Map<string, Span>();
      for (const span of all()) latest.set(span.spanId, span);
      return [...latest.values()].filter((s) => s.endTime !== null).length;
    };
    await second.until(() => ended() === expected.length, 60_000);

    const deliveries = all();
    const keys = deliveries.map((s) => `${s.spanId}@${s.seq}`);
    expect(keys.length - new Set(keys).size, 'duplicate deliveries').toBe(0);
    expect(new Set(deliveries.map((s) => s.spanId))).toEqual(new Set(expected));
    // Per span: each later delivery is a later change (a start never arrives after its end).
    const lastSeq = new Map<string, number>();
    for (const span of deliveries) {
      expect(span.seq, span.spanId).toBeGreaterThan(lastSeq.get(span.spanId) ?? 0);
      lastSeq.set(span.spanId, span.seq);
    }
    second.close();

    await watcher.until(() => new Set(watcher.received.filter((s) => s.endTime !== null).map((s) => s.spanId)).size === expected.length, 60_000);
    const watched = watcher.received.map((s) => `${s.spanId}@${s.seq}`);
    expect(watched.length - new Set(watched).size, 'duplicate deliveries to the watcher').toBe(0);
    watcher.close();
  }, 180_000);

  it('shows the same apps online on every hub: a heartbeat to hub B reaches a dashboard on hub A', async () => {
    const client = new LiveTestClient(hubA.url, {});
    const announced: ServiceInfo[][] = [];
    client.socket.on('apps', (payload: { services: ServiceInfo[] }) => announced.push(payload.services));
    await client.until(() => client.historyDone);
    const beat = { service: 'billing-worker', instanceId: 'i-42', pid: 4242, host: 'node-7', language: 'python', runtimeVersion: '3.12.3', sdk: { name: 'runtime-hub', version: '0.1.0' } };
    const response = await fetch(`${hubB.url}/api/v1/apps/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(beat) });
    expect(response.status).toBe(200);
    await client.until(() => announced.some((list) => list.some((s) => s.service === 'billing-worker' && s.online)), 30_000);
    const listed = await Promise.all([hubA, hubB].map(async (hub) => ((await (await fetch(`${hub.url}/api/v1/services`)).json()) as { services: ServiceInfo[] }).services));
    for (const services of listed) expect(services.find((s) => s.service === 'billing-worker')?.online).toBe(true);
    client.close();
  }, 60_000);
});
