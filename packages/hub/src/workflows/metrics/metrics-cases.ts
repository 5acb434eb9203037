import { afterEach, describe, expect, it } from 'vitest';
import type { StoreBatch, WorkflowVersionRecord } from '@runtime-hub/engine';
import type { RunRecord, StepRecord } from '@runtime-hub/protocol';
import type { RunMetricsStore } from './run-metrics.js';

/** A run store with its metrics attached (attach-run-metrics.ts), as a hub or worker builds it. */
export interface MetricsFixture {
  store: { commit(batch: StoreBatch): Promise<void>; getRun(id: string): Promise<RunRecord | undefined>; putWorkflowVersion(record: WorkflowVersionRecord): Promise<void> };
  metrics: RunMetricsStore;
  /** A second process's store and metrics on the same database. */
  second(): Promise<{ store: MetricsFixture['store']; metrics: RunMetricsStore; close(): Promise<void> }>;
  /** Runs SQL on the database (the table names differ: `run_rollups` / `wf_rollup_log`). */
  exec(sql: string): Promise<void>;
  /** The table a write's rollups go to inside its transaction. */
  rollupTable: string;
  close(): Promise<void>;
}

export function run(id: string, status: RunRecord['status'], startedAt: number, endedAt: number, extra: Partial<RunRecord> = {}): RunRecord {
  return { id, project: 'p', workflow: 'w', version: 1, status, trigger: { type: 'manual', body: {} }, createdAt: startedAt, startedAt, endedAt, traceId: id.padEnd(32, '0'), spanId: '0'.repeat(16), rootRunId: id, depth: 0, ...extra };
}

export function step(runId: string, nodeId: string, nodeType: string, status: StepRecord['status'], startedAt: number, endedAt?: number): StepRecord {
  return { runId, nodeId, nodeType, visit: 1, attempt: 1, status, startedAt, endedAt, spanId: '1'.repeat(16) };
}

/** The run metrics cases every run store's metrics pass (SQLite and PostgreSQL, metrics.test.ts). */
export function runMetricsCases(name: string, open: () => Promise<MetricsFixture>): void {
  describe(`run metrics (${name})`, () => {
    let fixture: MetricsFixture | undefined;
    const start = async () => (fixture = await open());
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('counts a run once when it finishes, not while it runs nor when it is written again', async () => {
      const { store, metrics } = await start();
      const t = Date.UTC(2026, 0, 1, 10, 0, 0);
      await store.commit({ runs: [run('r1', 'running', t, t)], steps: [step('r1', 'a', 'http', 'running', t)] });
      await store.commit({ runs: [run('r1', 'succeeded', t, t + 200)], steps: [step('r1', 'a', 'http', 'succeeded', t, t + 150)] });
      await store.commit({ runs: [run('r1', 'succeeded', t, t + 200)], steps: [step('r1', 'a', 'http', 'succeeded', t, t + 150)] });
      await store.commit({
        runs: [run('r2', 'failed', t, t + 1000, { error: { code: 'HTTP_STATUS', message: 'x', retryable: false, nodeId: 'b' } })],
        steps: [step('r2', 'a', 'http', 'succeeded', t, t + 100), step('r2', 'b', 'shell', 'failed', t + 100, t + 900)],
      });
      const report = await metrics.report({ from: t - 60_000, to: t + 3_600_000 });
      expect(report.totals).toMatchObject({ executions: 2, succeeded: 1, failed: 1, successRate: 0.5, running: 0 });
      expect(report.totals.p50Ms).not.toBeNull();
      expect(report.errors.byCode).toEqual([{ code: 'HTTP_STATUS', count: 1 }]);
      expect(report.errors.byNodeType).toEqual([{ nodeType: 'shell', count: 1 }]);
      expect(report.slowestNodes[0]).toMatchObject({ nodeId: 'b', nodeType: 'shell', executions: 1, failed: 1, avgMs: 800 });
      expect(report.slowestNodes.find((n) => n.nodeId === 'a')).toMatchObject({ executions: 2, avgMs: 125 });
      expect(report.trend.reduce((n, p) => n + p.succeeded + p.failed, 0)).toBe(2);
      expect(report.workflows).toMatchObject([{ project: 'p', workflow: 'w', executions: 2, succeeded: 1, failed: 1 }]);
      // Hour rollups hold the same counts (a 7-day range reads them).
      expect((await metrics.report({ from: t - 7 * 86_400_000, to: t + 3_600_000 })).totals.executions).toBe(2);
    });

    it('names the node type of a failure whose step was stored in an earlier write', async () => {
      const { store, metrics } = await start();
      const t = Date.UTC(2026, 0, 3, 10, 0, 0);
      await store.commit({ runs: [run('r4', 'running', t, t)], steps: [step('r4', 'x', 'code', 'failed', t, t + 10)] });
      await store.commit({ runs: [run('r4', 'failed', t, t + 20, { error: { code: 'CODE_ERROR', message: 'x', retryable: false, nodeId: 'x' } })] });
      const report = await metrics.report({ from: t - 60_000, to: t + 60_000 });
      expect(report.errors.byNodeType).toEqual([{ nodeType: 'code', count: 1 }]);
      expect(report.slowestNodes).toMatchObject([{ nodeId: 'x', executions: 1, failed: 1 }]);
    });

    it('adds up the runs two processes finish in the same buckets at the same time', async () => {
      const { store, metrics, second } = await start();
      const other = await second();
      try {
        const t = Date.UTC(2026, 0, 4, 10, 0, 0);
        const finish = (writer: MetricsFixture['store'], prefix: string) =>
          Promise.all(Array.from({ length: 40 }, (_, i) => writer.commit({ runs: [run(`${prefix}${i}`, i % 4 === 0 ? 'failed' : 'succeeded', t, t + 10 * (i + 1))], steps: [step(`${prefix}${i}`, 'a', 'http', 'succeeded', t, t + 5)] })));
        await Promise.all([finish(store, 'x'), finish(other.store, 'y')]);
        // Both processes read at once (on PostgreSQL each folds the rollup log first): each sees every run once.
        const [report, seenByOther] = await Promise.all([metrics.report({ from: t - 60_000, to: t + 60_000 }), other.metrics.report({ from: t - 60_000, to: t + 60_000 })]);
        expect(seenByOther.totals).toEqual(report.totals);
        expect(report.totals).toMatchObject({ executions: 80, succeeded: 60, failed: 20 });
        expect(report.slowestNodes).toMatchObject([{ nodeId: 'a', executions: 80 }]);
        // The merged histogram holds every run: the median is that of 10 ms … 400 ms, twice.
        expect(report.totals.p50Ms).toBeGreaterThan(150);
        expect(report.totals.p50Ms).toBeLessThan(250);
      } finally {
        await other.close();
      }
    });

    it('reports per project, with runs in flight and when its workflows last changed', async () => {
      const { store, metrics } = await start();
      const now = Date.now();
      await store.commit({ runs: [run('q1', 'succeeded', now - 5_000, now - 4_000), run('q2', 'waiting', now - 3_000, now - 3_000), run('q3', 'succeeded', now - 2_000, now - 1_000, { project: 'other' })] });
      await store.putWorkflowVersion({ project: 'p', workflow: 'w', version: 1, savedAt: now - 10_000, definition: { id: 'w', name: 'W', nodes: [], edges: [] } as never });
      const cards = await metrics.projects({ from: now - 3_600_000, to: now + 60_000 });
      const p = cards.find((c) => c.project === 'p');
      expect(p).toMatchObject({ executions: 1, succeeded: 1, running: 1 });
      expect(p!.lastRunAt).toBeGreaterThanOrEqual(now - 4_000);
      expect(cards.find((c) => c.project === 'other')).toMatchObject({ executions: 1, running: 0 });
      expect(await metrics.lastChanges()).toEqual({ p: now - 10_000 });
      expect((await metrics.report({ project: 'p', from: now - 3_600_000, to: now + 60_000 })).totals.running).toBe(1);
    });

    it('keeps runs stored when the rollups cannot be written', async () => {
      const { store, exec, rollupTable } = await start();
      await exec(`ALTER TABLE ${rollupTable} RENAME TO rollups_away`);
      const t = Date.UTC(2026, 0, 2);
      await store.commit({ runs: [run('r3', 'succeeded', t, t + 5)] });
      expect((await store.getRun('r3'))?.status).toBe('succeeded');
      await exec(`ALTER TABLE rollups_away RENAME TO ${rollupTable}`);
    });
  });
}
