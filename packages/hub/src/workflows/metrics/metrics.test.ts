import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '@runtime-hub/protocol';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { apiClient, eventually } from '../testing.js';
import { SqliteRunMetrics } from './sqlite-run-metrics.js';

function run(id: string, status: RunRecord['status'], startedAt: number, endedAt: number, extra: Partial<RunRecord> = {}): RunRecord {
  return { id, project: 'p', workflow: 'w', version: 1, status, trigger: { type: 'manual', body: {} }, createdAt: startedAt, startedAt, endedAt, traceId: id.padEnd(32, '0'), spanId: '0'.repeat(16), rootRunId: id, depth: 0, ...extra };
}

function step(runId: string, nodeId: string, nodeType: string, status: StepRecord['status'], startedAt: number, endedAt?: number): StepRecord {
  return { runId, nodeId, nodeType, visit: 1, attempt: 1, status, startedAt, endedAt, spanId: '1'.repeat(16) };
}

describe('run rollups in the run store transaction', () => {
  let dir: string;
  let store: SqliteRunStore;
  let metrics: SqliteRunMetrics;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rh-metrics-'));
    store = new SqliteRunStore(join(dir, 'workflows.sqlite'), { backgroundCheckpoints: false });
    metrics = new SqliteRunMetrics(store.db);
    store.onWrite = (batches) => metrics.record(batches);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a run once when it finishes, not while it runs nor when it is written again', async () => {
    const t = Date.UTC(2026, 0, 1, 10, 0, 0);
    await store.commit({ runs: [run('r1', 'running', t, t)], steps: [step('r1', 'a', 'http', 'running', t)] });
    await store.commit({ runs: [run('r1', 'succeeded', t, t + 200)], steps: [step('r1', 'a', 'http', 'succeeded', t, t + 150)] });
    await store.commit({ runs: [run('r1', 'succeeded', t, t + 200)], steps: [step('r1', 'a', 'http', 'succeeded', t, t + 150)] });
    await store.commit({
      runs: [run('r2', 'failed', t, t + 1000, { error: { code: 'HTTP_STATUS', message: 'x', retryable: false, nodeId: 'b' } })],
      steps: [step('r2', 'a', 'http', 'succeeded', t, t + 100), step('r2', 'b', 'shell', 'failed', t + 100, t + 900)],
    });
    const report = metrics.report({ from: t - 60_000, to: t + 3_600_000 });
    expect(report.totals).toMatchObject({ executions: 2, succeeded: 1, failed: 1, successRate: 0.5, running: 0 });
    expect(report.errors.byCode).toEqual([{ code: 'HTTP_STATUS', count: 1 }]);
    expect(report.errors.byNodeType).toEqual([{ nodeType: 'shell', count: 1 }]);
    expect(report.slowestNodes[0]).toMatchObject({ nodeId: 'b', nodeType: 'shell', executions: 1, failed: 1, avgMs: 800 });
    expect(report.slowestNodes.find((n) => n.nodeId === 'a')).toMatchObject({ executions: 2, avgMs: 125 });
    expect(report.trend.reduce((n, p) => n + p.succeeded + p.failed, 0)).toBe(2);
    // Hour rollups hold the same counts (a 7-day range reads them).
    expect(metrics.report({ from: t - 7 * 86_400_000, to: t + 3_600_000 }).totals.executions).toBe(2);
  });

  it('keeps runs stored when the rollups cannot be written', async () => {
    const broken = new SqliteRunMetrics(store.db, () => undefined);
    store.db.exec('ALTER TABLE run_rollups RENAME TO run_rollups_away');
    store.onWrite = (batches) => broken.record(batches);
    const t = Date.UTC(2026, 0, 2);
    await store.commit({ runs: [run('r3', 'succeeded', t, t + 5)] });
    expect((await store.getRun('r3'))?.status).toBe('succeeded');
    store.db.exec('ALTER TABLE run_rollups_away RENAME TO run_rollups');
    store.onWrite = (batches) => metrics.record(batches);
  });
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
