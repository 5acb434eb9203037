import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../testing/hub-process.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { hexId, startTestHub, type TestHub } from '../testing/test-hub.js';
import { killNow, spawnWorker, type WorkerProcess } from '../testing/worker-process.js';
import { SqliteRunStore } from '../workflows/store/sqlite-run-store.js';
import { GREET, apiClient, eventually } from '../workflows/testing.js';
import { closeRedis, connectRedis } from './redis-connection.js';
import { RunQueue } from './run-queue.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setup(redisOptions: { appendOnly?: boolean } = {}): Promise<{ redis: RedisTestServer; dataDir: string }> {
  const redis = await startRedisServer(redisOptions);
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-scaled-'));
  cleanups.push(() => redis.close(), () => rmSync(dataDir, { recursive: true, force: true }));
  return { redis, dataDir };
}

async function worker(redis: RedisTestServer, dataDir: string, hubUrl: string): Promise<WorkerProcess> {
  const child = await spawnWorker(['--redis', redis.url, '--data', dataDir, '--hub', hubUrl, '--lock-ms', '2000']);
  cleanups.push(() => killNow(child));
  return child;
}

async function hub(redis: RedisTestServer, dataDir?: string): Promise<TestHub> {
  const started = await startTestHub({ redisUrl: redis.url, ...(dataDir ? { dataDir } : {}) });
  cleanups.push(() => started.close());
  return started;
}

describe('scaled mode: dead letters and the outbox', () => {
  it('dead-letters a job that keeps failing, keeps it across a Redis restart, and replays it', async () => {
    const { redis, dataDir } = await setup({ appendOnly: true });
    const h = await hub(redis, dataDir);
    const api = apiClient(h.url);
    expect((await api('POST', '/api/v1/projects', { id: 'dl', name: 'Dead letters' })).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/dl/workflows', GREET)).status).toBe(201);
    await worker(redis, dataDir, h.url);

    // A job for a run that was never committed: what enqueue-before-commit produces.
    const connection = connectRedis(redis.url, 'test');
    cleanups.push(() => closeRedis(connection));
    const queue = new RunQueue(connection, { attempts: 2, backoffMs: 50 });
    const runId = hexId(32);
    await queue.enqueue({ id: runId, project: 'dl', workflow: 'greet' });
    const dead = await eventually(async () => (await queue.listDead()).find((d) => d.runId === runId), 30_000, 'the job to be dead-lettered');
    expect(dead).toMatchObject({ project: 'dl', workflow: 'greet', attempts: 2 });
    expect(dead.error).toContain('not in the database');

    // Durable: still there after Redis is killed and started again from its append-only file.
    await redis.restart();
    expect((await queue.listDead()).map((d) => d.runId)).toContain(runId);

    // The run is committed after all; replaying the dead letter runs it.
    const store = new SqliteRunStore(join(dataDir, 'workflows.sqlite'), { backgroundCheckpoints: false });
    const version = (await api('GET', '/api/v1/projects/dl/workflows/greet')).body.version as number;
    const trigger = { type: 'webhook' as const, method: 'POST' as const, path: '/greet', params: {}, query: {}, headers: {}, body: { name: 'Dead' } };
    await store.commit({ runs: [{ id: runId, project: 'dl', workflow: 'greet', version, status: 'queued', trigger, createdAt: Date.now(), traceId: runId, spanId: hexId(16), rootRunId: runId, depth: 0 }] });
    await store.close();
    // Through the hub's API, as an operator would.
    const listed = await api('GET', '/api/v1/queue/dead-letters');
    expect(listed.body.deadLetters.map((d: { runId: string }) => d.runId)).toContain(runId);
    expect((await api('POST', '/api/v1/queue/dead-letters/replay', { runIds: ['not-a-run-id'] })).status).toBe(400);
    expect((await api('POST', '/api/v1/queue/dead-letters/replay', { runIds: [runId] })).body).toEqual({ replayed: 1 });
    const run = await eventually(async () => {
      const { body } = await api('GET', `/api/v1/runs/${runId}`);
      return body.run?.status === 'succeeded' ? body.run : undefined;
    }, 30_000, 'the replayed run to succeed');
    expect(run.output).toEqual({ message: 'Hello, Dead!' });
    expect(await queue.listDead()).toEqual([]);
    await queue.close();
  }, 120_000);

  it('answers a caller while Redis is down with its committed run, and runs it once Redis is back', async () => {
    const { redis, dataDir } = await setup({ appendOnly: true });
    const h = await hub(redis, dataDir);
    const api = apiClient(h.url);
    expect((await api('POST', '/api/v1/projects', { id: 'ob', name: 'Outbox' })).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/ob/workflows', GREET)).status).toBe(201);
    await worker(redis, dataDir, h.url);

    await redis.kill();
    const started = await api('POST', '/api/v1/projects/ob/workflows/greet/runs', { name: 'Outage' });
    expect(started.status).toBeLessThan(300);
    const runId = started.body.runId as string;
    expect((await api('GET', `/api/v1/runs/${runId}`)).body.run.status).toBe('queued');

    await redis.restart();
    const run = await eventually(async () => {
      const { body } = await api('GET', `/api/v1/runs/${runId}`);
      return body.run?.status === 'succeeded' ? body.run : undefined;
    }, 60_000, 'the run to succeed once Redis is back');
    expect(run.output).toEqual({ message: 'Hello, Outage!' });
  }, 120_000);
});

describe('scaled mode: a hub SIGKILLed while it holds a webhook caller', () => {
  it('the caller gets an error, the run is not lost', async () => {
    const { redis, dataDir } = await setup();
    let held: ServerResponse | undefined;
    const slow = createServer((req, res) => {
      req.resume();
      held = res; // answered only after the hub is gone
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => slow.close(() => resolve())));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;

    const hubProcess = await spawnHub(['--data', dataDir, '--redis', redis.url]);
    cleanups.push(() => killNow(hubProcess));
    const api = apiClient(hubProcess.url);
    expect((await api('POST', '/api/v1/projects', { id: 'hook', name: 'Hook', env: { SLOW: slowUrl } })).status).toBe(201);
    const workflow = {
      id: 'slow',
      name: 'Slow',
      visibility: 'public',
      endpoint: { method: 'POST', path: '/slow' },
      trigger: { type: 'webhook' },
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', config: { method: 'POST', url: '{{ env.SLOW }}/work', body: { order: '{{ trigger.body.order }}' } } },
        { id: 'out', type: 'set', config: { fields: { order: '{{ trigger.body.order }}', upstream: '{{ input.status }}' } } },
      ],
      edges: [
        { source: 'start', target: 'call' },
        { source: 'call', target: 'out' },
      ],
    };
    expect((await api('POST', '/api/v1/projects/hook/workflows', workflow)).status).toBe(201);
    await worker(redis, dataDir, hubProcess.url);

    const caller = fetch(`${hubProcess.url}/w/hook/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order: 'A-17' }) }).then(
      (response) => ({ status: response.status }),
      (error: Error) => ({ error: error.message }),
    );
    await eventually(async () => (held ? true : undefined), 30_000, 'the run to reach the slow call on the worker');
    await killNow(hubProcess);
    expect(await caller).toHaveProperty('error');
    held!.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');

    // The run was committed before the job existed and lives on in the worker.
    const run = await eventually(async () => {
      const db = new Database(join(dataDir, 'workflows.sqlite'), { readonly: true });
      try {
        const rows = db.prepare("SELECT record FROM runs WHERE workflow = 'slow'").pluck().all() as string[];
        const runs = rows.map((r) => JSON.parse(r) as { status: string; output?: unknown });
        return runs.length === 1 && runs[0]!.status === 'succeeded' ? runs[0] : undefined;
      } finally {
        db.close();
      }
    }, 60_000, 'the run to finish on the worker');
    expect(run.output).toEqual({ order: 'A-17', upstream: 200 });
  }, 120_000);
});

describe('scaled mode: cron across two hubs', () => {
  it('fires each tick once, whichever hub claims it', async () => {
    const { redis } = await setup();
    // Two replicas (their run stores apart here, so each run shows on the hub that started it).
    const hubs = [await hub(redis), await hub(redis)];
    const tick = {
      id: 'tick',
      name: 'Tick',
      trigger: { type: 'cron', expression: '* * * * * *' },
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'out', type: 'set', config: { fields: { at: '{{ trigger.scheduledAt }}' } } },
      ],
      edges: [{ source: 'start', target: 'out' }],
    };
    for (const h of hubs) {
      const api = apiClient(h.url);
      expect((await api('POST', '/api/v1/projects', { id: 'cron', name: 'Cron' })).status).toBe(201);
      expect((await api('POST', '/api/v1/projects/cron/workflows', tick)).status).toBe(201);
    }
    const scheduled = async (): Promise<string[]> => {
      const all: string[] = [];
      for (const h of hubs) {
        const api = apiClient(h.url);
        const { body } = await api('GET', '/api/v1/runs?project=cron&limit=500');
        for (const run of body.runs as { id: string }[]) all.push((await api('GET', `/api/v1/runs/${run.id}`)).body.run.trigger.scheduledAt as string);
      }
      return all;
    };
    const ticks = await eventually(async () => {
      const seen = await scheduled();
      return new Set(seen).size >= 4 ? seen : undefined;
    }, 60_000, 'four ticks');
    expect(ticks.length - new Set(ticks).size, `ticks fired twice: ${ticks.sort().join(', ')}`).toBe(0);
  }, 120_000);
});

describe('scaled mode: concurrency limits across workers', () => {
  it('never runs more of a workflow at once than its maxConcurrentRuns, however many workers there are', async () => {
    const { redis, dataDir } = await setup();
    let inFlight = 0;
    let most = 0;
    const gauge = createServer((req, res) => {
      req.resume();
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, 150);
    });
    await new Promise<void>((resolve) => gauge.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => gauge.close(() => resolve())));
    const h = await hub(redis, dataDir);
    const api = apiClient(h.url);
    expect((await api('POST', '/api/v1/projects', { id: 'lim', name: 'Limited', env: { GAUGE: `http://127.0.0.1:${(gauge.address() as AddressInfo).port}` } })).status).toBe(201);
    const limited = {
      id: 'limited',
      name: 'Limited',
      settings: { maxConcurrentRuns: 2 },
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', config: { method: 'POST', url: '{{ env.GAUGE }}/work' } },
      ],
      edges: [{ source: 'start', target: 'call' }],
    };
    expect((await api('POST', '/api/v1/projects/lim/workflows', limited)).status).toBe(201);
    await Promise.all([worker(redis, dataDir, h.url), worker(redis, dataDir, h.url)]);
    const started = await Promise.all(Array.from({ length: 12 }, () => api('POST', '/api/v1/projects/lim/workflows/limited/runs', {})));
    const ids = started.map((r) => r.body.runId as string);
    await eventually(async () => {
      const runs = await Promise.all(ids.map(async (id) => (await api('GET', `/api/v1/runs/${id}`)).body.run.status as string));
      return runs.every((s) => s === 'succeeded') ? true : undefined;
    }, 90_000, 'all limited runs to succeed');
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
  }, 150_000);
});

describe('scaled mode: cancelling a run a worker drives', () => {
  it('stops it on the worker: its waiting step is cancelled and the run stays cancelled', async () => {
    const { redis, dataDir } = await setup();
    const h = await hub(redis, dataDir);
    const api = apiClient(h.url);
    expect((await api('POST', '/api/v1/projects', { id: 'cx', name: 'Cancel' })).status).toBe(201);
    const long = {
      id: 'long',
      name: 'Long',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'pause', type: 'wait', config: { duration: '10m' } },
        { id: 'out', type: 'set', config: { fields: { done: true } } },
      ],
      edges: [
        { source: 'start', target: 'pause' },
        { source: 'pause', target: 'out' },
      ],
    };
    expect((await api('POST', '/api/v1/projects/cx/workflows', long)).status).toBe(201);
    await worker(redis, dataDir, h.url);
    const runId = (await api('POST', '/api/v1/projects/cx/workflows/long/runs', {})).body.runId as string;
    await eventually(async () => ((await api('GET', `/api/v1/runs/${runId}`)).body.run.status === 'waiting' ? true : undefined), 30_000, 'the run to wait on the worker');
    expect((await api('POST', `/api/v1/runs/${runId}/cancel`)).status).toBeLessThan(300);
    const detail = await eventually(async () => {
      const { body } = await api('GET', `/api/v1/runs/${runId}`);
      const pause = body.steps.find((s: { nodeId: string }) => s.nodeId === 'pause');
      return pause?.status === 'cancelled' ? body : undefined;
    }, 30_000, 'the worker to cancel the waiting step');
    expect(detail.run.status).toBe('cancelled');
    expect(detail.steps.some((s: { nodeId: string }) => s.nodeId === 'out')).toBe(false);
  }, 90_000);
});

describe('scaled mode: webhooks answered by workers', () => {
  it('gives every caller its run’s answer through the hub that holds it', async () => {
    const { redis, dataDir } = await setup();
    const h = await hub(redis, dataDir);
    const api = apiClient(h.url);
    expect((await api('POST', '/api/v1/projects', { id: 'wh', name: 'Webhooks' })).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/wh/workflows', GREET)).status).toBe(201);
    await worker(redis, dataDir, h.url);
    const names = Array.from({ length: 20 }, (_, i) => `caller-${i}`);
    const answers = await Promise.all(names.map((name) => api('POST', '/w/wh/greet', { name })));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, `${names[i]}: ${answer.text}`).toBe(200);
      expect(answer.body).toEqual({ message: `Hello, ${names[i]}!` });
    }
  }, 90_000);
});

describe('scaled mode: a worker stopped with SIGTERM', () => {
  it('exits cleanly and its runs finish on another worker', async () => {
    const { redis, dataDir } = await setup();
    const h = await hub(redis, dataDir);
    const api = apiClient(h.url);
    expect((await api('POST', '/api/v1/projects', { id: 'term', name: 'Term' })).status).toBe(201);
    const pausing = {
      id: 'pausing',
      name: 'Pausing',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'pause', type: 'wait', config: { duration: '2s' } },
        { id: 'out', type: 'set', config: { fields: { n: '{{ trigger.body.n }}' } } },
      ],
      edges: [
        { source: 'start', target: 'pause' },
        { source: 'pause', target: 'out' },
      ],
    };
    expect((await api('POST', '/api/v1/projects/term/workflows', pausing)).status).toBe(201);
    const first = await worker(redis, dataDir, h.url);
    const ids = (await Promise.all(Array.from({ length: 5 }, (_, n) => api('POST', '/api/v1/projects/term/workflows/pausing/runs', { n })))).map((r) => r.body.runId as string);
    await eventually(async () => {
      const statuses = await Promise.all(ids.map(async (id) => (await api('GET', `/api/v1/runs/${id}`)).body.run.status as string));
      return statuses.every((s) => s === 'waiting') ? true : undefined;
    }, 30_000, 'the runs to wait on the first worker');
    await worker(redis, dataDir, h.url);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const outputs = await eventually(async () => {
      const runs = await Promise.all(ids.map(async (id) => (await api('GET', `/api/v1/runs/${id}`)).body.run));
      return runs.every((r) => r.status === 'succeeded') ? runs.map((r) => r.output.n as number) : undefined;
    }, 60_000, 'the runs to finish on the second worker');
    expect(outputs).toEqual([0, 1, 2, 3, 4]);
  }, 120_000);
});
