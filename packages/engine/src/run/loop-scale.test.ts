import { describe, expect, it } from 'vitest';
import { compileGraph } from '../graph/compile.js';
import type { RunStore, StoreBatch } from '../ports.js';
import { MemoryRunStore } from '../store/memory-store.js';
import { LOOP_WORKFLOW } from '../testing/fixtures.js';
import { testEngine } from '../testing/harness.js';
import { applyCompletion, createState, initialCandidates, nextLoopEmission, settle, startNode } from './state.js';
import type { Action, RunState } from './state.js';

const LOOP = LOOP_WORKFLOW;
const manual = (body: unknown) => ({ type: 'manual' as const, body });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** An array that counts every element read (index or iteration), to catch hidden copies. */
function countingArray(): { array: unknown[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy<unknown[]>([], {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { array, reads: () => reads };
}

/** Drives the pure state machine through a loop of `n` items the way the driver does. */
function driveLoop(n: number): { reads: number; edgeReads: number; done: unknown } {
  const graph = compileGraph(LOOP as never);
  // Every read of the graph's edge list is counted too: an iteration must not scan the whole graph.
  const edges = countingArray();
  edges.array.push(...graph.edges);
  (graph as { edges: unknown }).edges = edges.array;
  const state: RunState = createState(graph);
  let counter: ReturnType<typeof countingArray> | undefined;
  let done: unknown;
  const work: Action[] = settle(state, initialCandidates(state));
  while (work.length > 0) {
    const action = work.shift() as Action;
    const id = action.nodeId;
    let candidates: string[];
    if (action.type === 'loop-next') {
      const visit = startNode(state, id);
      const emission = nextLoopEmission(state, id);
      if (emission.branch === 'done') done = emission.output;
      candidates = applyCompletion(state, { nodeId: id, visit, ...emission });
    } else if (id === 'loop') {
      const visit = startNode(state, id);
      candidates = applyCompletion(state, { nodeId: id, visit, branch: 'item', output: 0, items: range(n) });
      // From here on every read of the collected results is counted.
      counter = countingArray();
      (state.loops.get('loop') as { results: unknown[] }).results = counter.array;
    } else {
      const visit = startNode(state, id);
      candidates = applyCompletion(state, { nodeId: id, visit, branch: 'main', output: { n: visit } });
    }
    work.push(...settle(state, candidates));
  }
  return { reads: counter?.reads() ?? 0, edgeReads: edges.reads(), done };
}

describe('loops scale linearly', () => {
  it('never copies the collected results nor scans the graph per item: reads grow with n, not n² or n × edges', () => {
    for (const n of [500, 2000]) {
      const { reads, edgeReads, done } = driveLoop(n);
      expect(done).toHaveLength(n);
      // One copy when the loop ends is n reads; a copy per item would be about n²/2.
      expect(reads, `n = ${n}`).toBeLessThanOrEqual(2 * n);
      // The edges an iteration resets are found once per graph, not by scanning it per item.
      expect(edgeReads, `n = ${n}`).toBeLessThanOrEqual(4 * LOOP.edges.length);
    }
  });

  it('cuts a long loop into committed slices and yields to the event loop between them', async () => {
    const commits: number[] = [];
    const memory = new MemoryRunStore();
    const store: RunStore = Object.assign(Object.create(memory) as RunStore, {
      commit: (batch: StoreBatch) => {
        commits.push(batch.steps?.length ?? 0);
        return memory.commit(batch);
      },
    });
    let yields = 0;
    const t = await testEngine([LOOP], {
      store,
      yieldTurn: () => {
        yields++;
        return new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    const n = 5000;
    const started = await t.engine.startRun({ project: 'demo', workflow: 'each', trigger: manual({ items: range(n) }) });
    const run = await t.engine.waitForRun(started.id);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ count: n, last: { n: 2 * (n - 1) } });
    // 2n + 3 activations; a slice holds at most 500 of them.
    expect(yields).toBeGreaterThanOrEqual(Math.floor((2 * n) / 500) - 1);
    expect(Math.max(...commits)).toBeLessThanOrEqual(501);
  });

  it('refuses a loop over more items than the limit with LOOP_TOO_LARGE, before running any item', async () => {
    const t = await testEngine([LOOP], { limits: { maxLoopItems: 100 } });
    const ok = await t.engine.startRun({ project: 'demo', workflow: 'each', trigger: manual({ items: range(100) }) });
    expect((await t.engine.waitForRun(ok.id)).status).toBe('succeeded');
    const big = await t.engine.startRun({ project: 'demo', workflow: 'each', trigger: manual({ items: range(101) }) });
    const run = await t.engine.waitForRun(big.id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'LOOP_TOO_LARGE', nodeId: 'loop' } });
    const detail = await t.engine.getRun(big.id);
    expect(detail?.steps.map((s) => s.nodeId)).toEqual(['start', 'loop']);
    expect(detail?.steps[1]?.error).toMatchObject({ code: 'LOOP_TOO_LARGE', details: { items: 101, limit: 100 } });
  });

  it('fails a run that starts more activations than its limit with STEP_LIMIT', async () => {
    const t = await testEngine([LOOP], { limits: { maxActivationsPerRun: 50 } });
    const started = await t.engine.startRun({ project: 'demo', workflow: 'each', trigger: manual({ items: range(40) }) });
    const run = await t.engine.waitForRun(started.id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'STEP_LIMIT' } });
    const detail = await t.engine.getRun(started.id);
    expect(detail?.steps.length).toBeLessThanOrEqual(50);
  });

  it('refuses limits that are not positive integers', async () => {
    await expect(testEngine([LOOP], { limits: { maxLoopItems: 0 } })).rejects.toThrow(/maxLoopItems must be a positive integer/);
  });
});
