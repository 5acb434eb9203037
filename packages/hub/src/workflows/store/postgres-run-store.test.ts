import { runStoreConformance } from '@runtime-hub/engine/testing';
import type { RunRecord } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { PostgresRunStore } from './postgres-run-store.js';

// One server for the file, a fresh database per case.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

runStoreConformance('postgres', async () => {
  const store = await PostgresRunStore.open({ url: await server.createDatabase() });
  return { store, cleanup: () => store.close() };
});

describe('PostgresRunStore.pruneFinishedRuns', () => {
  it('deletes finished runs older than the cut-off with their steps, and keeps unfinished ones', async () => {
    const store = await PostgresRunStore.open({ url: await server.createDatabase() });
    const run = (id: string, createdAt: number, status: RunRecord['status']): RunRecord => ({
      id,
      project: 'p',
      workflow: 'w',
      version: 1,
      status,
      trigger: { type: 'manual', body: null },
      createdAt,
      traceId: id,
      spanId: 'b000000000000001',
      rootRunId: id,
      depth: 0,
    });
    const step = (runId: string) => ({ runId, nodeId: 'start', nodeType: 'trigger', visit: 1, attempt: 1, status: 'succeeded' as const, startedAt: 1, spanId: 'c000000000000001' });
    const ids = ['1', '2', '3', '4'].map((n) => n.padStart(32, 'a'));
    await store.commit({
      runs: [run(ids[0]!, 100, 'succeeded'), run(ids[1]!, 100, 'waiting'), run(ids[2]!, 100, 'failed'), run(ids[3]!, 900, 'succeeded')],
      steps: ids.map(step),
      owingSpans: [ids[0]!],
    });
    expect(await store.pruneFinishedRuns(500, 1)).toBe(1);
    expect(await store.pruneFinishedRuns(500)).toBe(1);
    expect(await store.pruneFinishedRuns(500)).toBe(0);
    expect((await store.listRuns({ limit: 10 })).runs.map((r) => r.id).sort()).toEqual([ids[1], ids[3]]);
    expect(await store.listSteps(ids[0]!)).toEqual([]);
    expect(await store.listSteps(ids[1]!)).toHaveLength(1);
    expect(await store.listRunsOwingSpans()).toEqual([]);
    await store.close();
  }, 30_000);
});
