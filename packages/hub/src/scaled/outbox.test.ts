import { Engine, MemoryRunStore, MemoryWorkflowSource } from '@runtime-hub/engine';
import type { RunStore, StoreBatch } from '@runtime-hub/engine';
import { randomIds, systemClock } from '@runtime-hub/engine/node';
import { GREET_WORKFLOW } from '@runtime-hub/engine/testing';
import type { RunRecord } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';

/** A run store whose commits can be made to fail: the database refusing a write. */
class FlakyStore extends MemoryRunStore {
  failCommits = false;
  override commit(batch: StoreBatch): Promise<void> {
    if (this.failCommits) return Promise.reject(new Error('database unavailable'));
    return super.commit(batch);
  }
}

async function dispatchingEngine(store: RunStore, dispatch: (run: RunRecord) => Promise<void>): Promise<Engine> {
  const workflows = new MemoryWorkflowSource(store);
  workflows.putProject({ id: 'demo', name: 'Demo' });
  await workflows.putWorkflow('demo', GREET_WORKFLOW);
  const engine = new Engine({ clock: systemClock, ids: randomIds, store, workflows, mode: 'dispatch', dispatch });
  await engine.start();
  return engine;
}

const trigger = { type: 'webhook' as const, method: 'POST' as const, path: '/greet', params: {}, query: {}, headers: {}, body: { name: 'Ada' } };

describe('scaled mode: the outbox (enqueue only after commit, n8n #24274)', () => {
  it('hands a run to the queue only once it is committed, as queued', async () => {
    const store = new FlakyStore();
    const seenAtDispatch: (RunRecord | undefined)[] = [];
    const engine = await dispatchingEngine(store, async (run) => {
      seenAtDispatch.push(await store.getRun(run.id));
    });
    const runs = await Promise.all(Array.from({ length: 20 }, () => engine.startRun({ project: 'demo', workflow: 'greet', trigger })));
    expect(seenAtDispatch).toHaveLength(20);
    for (const [i, stored] of seenAtDispatch.entries()) expect(stored, `run ${i}`).toMatchObject({ status: 'queued' });
    expect(new Set(seenAtDispatch.map((r) => r?.id))).toEqual(new Set(runs.map((r) => r.id)));
    // Nothing was driven here: the workers do that.
    expect(engine.activeRuns).toBe(0);
  });

  it('never hands over a run whose commit failed, and tells the caller', async () => {
    const store = new FlakyStore();
    const dispatched: string[] = [];
    const engine = await dispatchingEngine(store, (run) => {
      dispatched.push(run.id);
      return Promise.resolve();
    });
    store.failCommits = true;
    await expect(engine.startRun({ project: 'demo', workflow: 'greet', trigger })).rejects.toThrow('database unavailable');
    expect(dispatched).toEqual([]);
  });

  it('keeps a committed run when the queue is down: the caller gets it, the relay enqueues it later', async () => {
    const store = new FlakyStore();
    const engine = await dispatchingEngine(store, () => Promise.reject(new Error('redis is down')));
    const run = await engine.startRun({ project: 'demo', workflow: 'greet', trigger });
    expect(await store.getRun(run.id)).toMatchObject({ status: 'queued' });
    expect((await store.listUnfinishedRuns()).map((r) => r.id)).toContain(run.id);
  });
});
