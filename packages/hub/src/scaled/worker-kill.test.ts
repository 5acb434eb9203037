import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { killNow, spawnWorker, type WorkerProcess } from '../testing/worker-process.js';
import { apiClient, eventually } from '../workflows/testing.js';

const RUNS = 200;

// Every side effect a node makes: which run, which node.
const hits: { run: string; node: string }[] = [];
const counter = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const { run, node } = JSON.parse(body) as { run: string; node: string };
    hits.push({ run, node });
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ node })), 20);
  });
});

let redis: RedisTestServer;
let postgres: PostgresServer;
let dbUrl: string;
let dataDir: string;
let counterUrl: string;
let hub: HubProcess;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
  counterUrl = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'rh-scaled-kill-'));
  [redis, postgres] = await Promise.all([startRedisServer({ appendOnly: true }), startPostgres()]);
  dbUrl = await postgres.createDatabase();
  // Spans and runs in PostgreSQL, queues in Redis: the deployment of docker-compose.yml.
  hub = await spawnHub(['--data', dataDir, '--db', dbUrl, '--redis', redis.url]);
}, 60_000);

afterAll(async () => {
  for (const worker of workers) await killNow(worker);
  if (hub) await killNow(hub);
  await redis?.close();
  await postgres?.close();
  await new Promise<void>((resolve) => counter.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

const hit = (node: string) => ({
  id: node,
  type: 'http',
  config: { method: 'POST', url: `${'{{ env.COUNTER }}'}/hit`, body: { run: '{{ run.id }}', node } },
});

describe('scaled mode: a worker SIGKILLed during 200 runs', () => {
  it('another worker resumes its runs: all complete, no finished node runs again', async () => {
    const api = apiClient(hub.url);
    expect((await api('POST', '/api/v1/projects', { id: 'crash', name: 'Crash', env: { COUNTER: counterUrl } })).status).toBe(201);
    const durable = {
      id: 'durable',
      name: 'Durable',
      nodes: [
        { id: 'start', type: 'trigger' },
        hit('a'),
        // Long enough that runs are still in flight once all 200 are started (starting them takes a while under load).
        { id: 'pause', type: 'wait', config: { duration: '{{ 3000 + trigger.body.i * 10 }}' } },
        hit('b'),
        { id: 'out', type: 'set', config: { fields: { i: '{{ trigger.body.i }}', a: '{{ nodes.a.output.body.node }}', b: '{{ input.body.node }}' } } },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'pause' },
        { source: 'pause', target: 'b' },
        { source: 'b', target: 'out' },
      ],
    };
    expect((await api('POST', '/api/v1/projects/crash/workflows', durable)).status).toBe(201);
    // Workers start after the project exists: the folder they load is the hubs'.
    const workerArgs = ['--redis', redis.url, '--db', dbUrl, '--data', dataDir, '--hub', hub.url, '--lock-ms', '2000', '--concurrency', '100'];
    const [doomed, survivor] = await Promise.all([spawnWorker(workerArgs), spawnWorker(workerArgs)]);
    workers.push(doomed, survivor);

    // Started all at once; under load the last starts are answered after the first runs finished.
    const starting = Promise.all(Array.from({ length: RUNS }, (_, i) => api('POST', '/api/v1/projects/crash/workflows/durable/runs', { i })));
    await eventually(async () => (hits.filter((h) => h.node === 'b').length > 20 ? true : undefined), 60_000, 'some runs to reach b');
    await killNow(doomed);

    // What had finished when the worker died, as the database says; the side effects seen by then.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const finished = (await db.query<{ record: string }>("SELECT record FROM wf_steps WHERE (record::json ->> 'status') = 'succeeded'")).rows.map((r) => r.record);
    const open = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM wf_runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')")).rows[0]!.n);
    await db.end();
    const seen = new Map<string, number>();
    for (const h of hits) seen.set(`${h.run}/${h.node}`, (seen.get(`${h.run}/${h.node}`) ?? 0) + 1);
    const done = new Set(finished.map((r) => JSON.parse(r) as { runId: string; nodeId: string }).map((s) => `${s.runId}/${s.nodeId}`));
    expect(open).toBeGreaterThan(0);
    const runIds = (await starting).map((r) => r.body.runId as string);
    expect(new Set(runIds).size).toBe(RUNS);

    await eventually(
      async () => {
        const { body } = await api('GET', '/api/v1/runs?project=crash&limit=500');
        const unfinished = body.runs.filter((r: { status: string }) => !['succeeded', 'failed', 'cancelled'].includes(r.status));
        return body.runs.length === RUNS && unfinished.length === 0 ? true : undefined;
      },
      90_000,
      'all runs to finish on the surviving worker',
    );
    const results = await Promise.all(runIds.map(async (id) => (await api('GET', `/api/v1/runs/${id}`)).body));
    for (const [i, { run }] of results.entries()) {
      expect(run.status, run.id).toBe('succeeded');
      expect(run.output).toEqual({ i, a: 'a', b: 'b' });
    }
    // A node finished before the kill made no call after it; every node made at least one.
    const after = new Map<string, number>();
    for (const h of hits) after.set(`${h.run}/${h.node}`, (after.get(`${h.run}/${h.node}`) ?? 0) + 1);
    const again = [...done].filter((key) => key.endsWith('/a') || key.endsWith('/b')).filter((key) => after.get(key) !== seen.get(key));
    expect(again).toEqual([]);
    for (const id of runIds) for (const node of ['a', 'b']) expect(after.has(`${id}/${node}`), `${id}/${node}`).toBe(true);

    // The workers' spans reached the hub: every run span ended.
    let missing: string[] = [];
    await eventually(
      async () => {
        missing = [];
        for (const { run } of results) {
          const { body } = await api('GET', `/api/v1/traces/${run.traceId}`);
          const span = (body.spans ?? []).find((s: { spanId: string }) => s.spanId === run.spanId);
          if (!span || span.endTime === null) missing.push(`${run.id}: ${span ? 'running' : 'missing'}`);
        }
        return missing.length === 0 ? true : undefined;
      },
      45_000,
      'every run span to end',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${missing.length} runs, e.g. ${missing.slice(0, 5).join('; ')}`);
    });
  }, 180_000);
});
