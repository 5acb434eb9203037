import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '@runtime-hub/engine/testing';
import type { RunRecord } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { SqliteRunStore } from './sqlite-run-store.js';

runStoreConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-runs-'));
  return Promise.resolve({ store: new SqliteRunStore(join(dir, 'workflows.sqlite')), cleanup: () => rmSync(dir, { recursive: true, force: true }) });
});

describe('SqliteRunStore.pruneFinishedRuns', () => {
  it('deletes finished runs older than the cut-off with their steps, and keeps unfinished ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-runs-prune-'));
    const store = new SqliteRunStore(join(dir, 'workflows.sqlite'), { backgroundCheckpoints: false });
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
    });
    expect(store.pruneFinishedRuns(500)).toBe(2);
    expect((await store.listRuns({ limit: 10 })).runs.map((r) => r.id).sort()).toEqual([ids[1], ids[3]]);
    expect(await store.listSteps(ids[0]!)).toEqual([]);
    expect(await store.listSteps(ids[1]!)).toHaveLength(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
