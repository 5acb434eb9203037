import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { PostgresRunStore } from '../store/postgres-run-store.js';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { apiClient, eventually } from '../testing.js';
import { attachRunMetrics } from './attach-run-metrics.js';
import { run, runMetricsCases } from './metrics-cases.js';

let server: PostgresServer | undefined;
afterAll(() => server?.close());

runMetricsCases('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-metrics-'));
  const file = join(dir, 'workflows.sqlite');
  const store = new SqliteRunStore(file, { backgroundCheckpoints: false });
  return {
    store,
    metrics: attachRunMetrics(store),
    second: async () => {
      const other = new SqliteRunStore(file, { backgroundCheckpoints: false });
      return { store: other, metrics: attachRunMetrics(other), close: () => other.close() };
    },
    exec: async (sql) => void store.db.exec(sql),
    rollupTable: 'run_rollups',
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

runMetricsCases('postgres', async () => {
  server ??= await startPostgres();
  const url = await server.createDatabase();
  const store = await PostgresRunStore.open({ url });
  return {
    store,
    metrics: attachRunMetrics(store),
    second: async () => {
      const other = await PostgresRunStore.open({ url });
      return { store: other, metrics: attachRunMetrics(other), close: () => other.close() };
    },
    exec: async (sql) => void (await store.pool.query(sql)),
    // What the run store's transaction writes: the rollup log (folded into wf_run_rollups later).
    rollupTable: 'wf_rollup_log',
    close: () => store.close(),
  };
});

describe('run rollups on PostgreSQL', () => {
  it('a write finishing a run does not wait for a lock held on its minute\'s rollup rows; the fold adds it later', async () => {
    server ??= await startPostgres();
    const url = await server.createDatabase();
    const store = await PostgresRunStore.open({ url });
    const metrics = attachRunMetrics(store);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      const t = Date.UTC(2026, 0, 5, 10, 0, 0);
      await store.commit({ runs: [run('first', 'succeeded', t, t + 10)] });
      expect((await metrics.report({ from: t - 60_000, to: t + 60_000 })).totals.executions).toBe(1);
      // Another transaction (a fold, a slow writer) holds the minute's rollup rows, as a worker's
      // transaction did while it upserted them before its COMMIT.
      await holder.query('BEGIN');
      const locked = await holder.query('SELECT 1 FROM wf_run_rollups WHERE project = $1 AND workflow = $2 FOR UPDATE', ['p', 'w']);
      expect(locked.rowCount).toBe(3); // minute, hour, day
      const writes = Promise.all(['second', 'third'].map((id) => store.commit({ runs: [run(id, 'failed', t, t + 20)] })));
      const outcome = await Promise.race([writes.then(() => 'committed'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 5_000))]);
      expect(outcome).toBe('committed');
      await holder.query('COMMIT');
      const report = await metrics.report({ from: t - 60_000, to: t + 60_000 });
      expect(report.totals).toMatchObject({ executions: 3, succeeded: 1, failed: 2 });
    } finally {
      await holder.end();
      await store.close();
    }
  }, 60_000);
});

describe('GET /api/v1/workflow-metrics on a real hub', () => {
  let hub: TestHub;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    hub = await startTestHub();
    api = apiClient(hub.url);
    await api('POST', '/api/v1/projects', { id: 'm', name: 'M' });
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
  });
  afterAll(() => hub.close());

  it('reports runs as they finish: counts, success rate, errors by code and node type', async () => {
    for (const n of ['a', 'b', 'c', [7]]) await api('POST', '/api/v1/projects/m/workflows/calc/runs?wait=true', { n });
    const report = await eventually(async () => {
      const { body } = await api('GET', '/api/v1/workflow-metrics?project=m&range=1h');
      return body.totals?.executions === 4 ? body : undefined;
    });
    expect(report.totals).toMatchObject({ succeeded: 3, failed: 1, successRate: 0.75 });
    expect(report.totals.p95Ms).not.toBeNull();
    expect(report.errors.byCode).toEqual([{ code: 'EXPRESSION_ERROR', count: 1 }]);
    expect(report.errors.byNodeType).toEqual([{ nodeType: 'transform', count: 1 }]);
    expect(report.workflows).toMatchObject([{ project: 'm', workflow: 'calc', executions: 4 }]);
    expect(JSON.stringify(report)).not.toContain('"record"');
    const cards = await api('GET', '/api/v1/workflow-metrics/projects?range=24h');
    expect(cards.body.projects).toMatchObject([{ project: 'm', executions: 4, failed: 1 }]);
    expect(cards.body.lastChanges.m).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers a clear 400 for a bad range or filter', async () => {
    const bad = await api('GET', '/api/v1/workflow-metrics?from=200&to=100');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_QUERY', details: { field: 'from' } });
    expect((await api('GET', '/api/v1/workflow-metrics?range=2y')).status).toBe(400);
    expect((await api('GET', '/api/v1/workflow-metrics?workflow=calc')).body.error.code).toBe('INVALID_QUERY');
    expect((await api('GET', '/api/v1/workflow-metrics?project=..%2Fetc')).status).toBe(400);
  });
});
