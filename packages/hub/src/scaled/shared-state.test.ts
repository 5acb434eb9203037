import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { killNow, spawnWorker, type WorkerProcess } from '../testing/worker-process.js';
import { apiClient, eventually } from '../workflows/testing.js';

// A hub and a worker on one PostgreSQL and one Redis, each with its own data folder: what the
// worker needs of the workflow pillar (metrics, secrets, versions, projects) comes from the database.
let redis: RedisTestServer;
let postgres: PostgresServer;
let dbUrl: string;
let hubData: string;
const folders: string[] = [];
let hub: HubProcess;
let worker: WorkerProcess;

const folder = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `rh-shared-${name}-`));
  folders.push(dir);
  return dir;
};

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedisServer(), startPostgres()]);
  dbUrl = await postgres.createDatabase();
  hubData = folder('hub');
  hub = await spawnHub(['--data', hubData, '--db', dbUrl, '--redis', redis.url]);
  // The worker's folder is empty; the hubs' secret key reaches it as a file, as a mounted secret would.
  worker = await spawnWorker(['--data', folder('worker'), '--db', dbUrl, '--redis', redis.url, '--hub', hub.url, '--lock-ms', '2000', '--secret-key-file', join(hubData, 'secret.key')]);
}, 90_000);

afterAll(async () => {
  if (worker) await killNow(worker);
  if (hub) await killNow(hub);
  await redis?.close();
  await postgres?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('scaled mode: the workflow pillar shared through PostgreSQL', () => {
  it('shows on the hub the metrics of runs a worker drove', async () => {
    const api = apiClient(hub.url);
    expect((await api('POST', '/api/v1/projects', { id: 'm', name: 'M' })).status).toBe(201);
    const saved = await api('POST', '/api/v1/projects/m/workflows', {
      id: 'calc',
      name: 'Calc',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'check', type: 'transform', config: { value: '{{ trigger.body.n | upper }}' } },
      ],
      edges: [{ source: 'start', target: 'check' }],
    });
    expect(saved.status, saved.text).toBe(201);
    for (const n of ['a', 'b', 'c', [7]]) {
      const started = await api('POST', '/api/v1/projects/m/workflows/calc/runs?wait=true', { n });
      expect(started.status, started.text).toBeLessThan(300);
    }
    const report = await eventually(async () => {
      const { body } = await api('GET', '/api/v1/workflow-metrics?project=m&range=1h');
      return body.totals?.executions === 4 ? body : undefined;
    }, 30_000, 'the four runs in the metrics');
    expect(report.totals).toMatchObject({ succeeded: 3, failed: 1, successRate: 0.75, running: 0 });
    expect(report.errors.byNodeType).toEqual([{ nodeType: 'transform', count: 1 }]);
    expect(report.slowestNodes.map((n: { nodeId: string }) => n.nodeId).sort()).toEqual(['check', 'start']);
    const cards = await api('GET', '/api/v1/workflow-metrics/projects?range=24h');
    expect(cards.body.projects).toMatchObject([{ project: 'm', executions: 4, failed: 1 }]);
    expect(cards.body.lastChanges.m).toBeGreaterThan(Date.now() - 120_000);
    // Driven by the worker, not the hub: the runs are in PostgreSQL with their steps.
    const runs = await api('GET', '/api/v1/runs?project=m&limit=10');
    expect(runs.body.runs).toHaveLength(4);
  }, 120_000);

  it('runs on a worker with its own empty data folder a workflow that uses a secret, and a re-run on its pinned older version', async () => {
    const api = apiClient(hub.url);
    expect((await api('POST', '/api/v1/projects', { id: 's', name: 'S' })).status).toBe(201);
    expect((await api('PUT', '/api/v1/projects/s/secrets/TOKEN', { value: 's3cret-value' })).status).toBe(200);
    const version = (label: string) => ({
      id: 'w',
      name: 'W',
      nodes: [
        { id: 'start', type: 'trigger' },
        // A comparison reads the secret without the output holding it: true only where the worker could decrypt it.
        { id: 'out', type: 'set', config: { fields: { version: label, ok: '{{ secrets.TOKEN == "s3cret-value" }}' } } },
      ],
      edges: [{ source: 'start', target: 'out' }],
    });
    expect((await api('POST', '/api/v1/projects/s/workflows', version('v1'))).status).toBe(201);
    const first = await api('POST', '/api/v1/projects/s/workflows/w/runs?wait=true', {});
    expect(first.body, first.text).toMatchObject({ status: 'succeeded', output: { version: 'v1', ok: true } });
    expect((await api('PUT', '/api/v1/projects/s/workflows/w', { ...version('v2'), version: 1 })).status).toBe(200);
    const current = await api('POST', '/api/v1/projects/s/workflows/w/runs?wait=true', {});
    expect(current.body, current.text).toMatchObject({ status: 'succeeded', output: { version: 'v2', ok: true } });
    // A re-run keeps the version its run used: version 1, read from PostgreSQL by the worker.
    const rerun = await api('POST', `/api/v1/runs/${first.body.runId}/rerun`, {});
    expect(rerun.status, rerun.text).toBe(201);
    const done = await eventually(async () => {
      const { body } = await api('GET', `/api/v1/runs/${rerun.body.runId}`);
      return body.run?.status === 'succeeded' ? body.run : undefined;
    }, 30_000, 'the re-run to succeed');
    expect(done).toMatchObject({ version: 1, output: { version: 'v1', ok: true } });
    // A secret changed on the hub is what the next run on the worker sees.
    expect((await api('PUT', '/api/v1/projects/s/secrets/TOKEN', { value: 'rotated-value' })).status).toBe(200);
    const rotated = await api('POST', '/api/v1/projects/s/workflows/w/runs?wait=true', {});
    expect(rotated.body).toMatchObject({ status: 'succeeded', output: { ok: false } });
  }, 120_000);

  it('refuses to start a worker without the key, or with another one, once secrets exist — and never prints a key', async () => {
    const key = readFileSync(join(hubData, 'secret.key'), 'utf8').trim();
    const without = await spawnWorker(['--data', folder('keyless'), '--db', dbUrl, '--redis', redis.url], {}, 30_000).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(without).toContain('exited with 2');
    expect(without).toContain('RUNTIME_HUB_SECRET_KEY');
    expect(without).not.toContain(key);
    const other = randomBytes(32).toString('base64');
    const wrong = await spawnWorker(['--data', folder('wrong-key'), '--db', dbUrl, '--redis', redis.url], { RUNTIME_HUB_SECRET_KEY: other }, 30_000).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(wrong).toContain('is not the key');
    expect(wrong).not.toContain(other);
    expect(wrong).not.toContain(key);
  }, 90_000);
});
