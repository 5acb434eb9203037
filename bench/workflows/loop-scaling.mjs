// Loops over many items, in-process, with every step persisted to SQLite (the hub's store):
// time per item for growing item counts (flat when the loop is O(n); it grew with n when the
// collected results were copied on every item), and the longest the event loop went without a
// turn while the loop ran (the engine yields between slices of a long wave), next to the same
// probe while the process is idle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, MemoryWorkflowSource } from '../../packages/engine/dist/index.js';
import { randomIds, systemClock } from '../../packages/engine/dist/adapters/index.js';
import { LOOP_WORKFLOW } from '../../packages/engine/dist/testing/fixtures.js';
import { SqliteRunStore } from '../../packages/hub/dist/workflows/store/sqlite-run-store.js';

const EACH = LOOP_WORKFLOW;

/** The longest gap between turns of the event loop while `work` runs (a 1 ms timer chain). */
async function withProbe(work) {
  let last = performance.now();
  let maxGap = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const result = await work();
  running = false;
  return { result, maxGap };
}

export async function loopScaling(counts = [2_500, 5_000, 10_000, 20_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'rh-bench-loop-'));
  const store = new SqliteRunStore(join(dir, 'workflows.sqlite'));
  const source = new MemoryWorkflowSource(store);
  source.putProject({ id: 'bench', name: 'Bench' });
  await source.putWorkflow('bench', EACH);
  let spans = 0;
  const engine = new Engine({ clock: systemClock, ids: randomIds, store, workflows: source, spans: { emit: (records) => void (spans += records.length) } });
  const idle = await withProbe(() => new Promise((resolve) => setTimeout(resolve, 500)));
  const rows = [];
  for (const n of counts) {
    const items = Array.from({ length: n }, (_, i) => i);
    const { result: ms, maxGap } = await withProbe(async () => {
      const started = performance.now();
      const run = await engine.startRun({ project: 'bench', workflow: 'each', trigger: { type: 'manual', body: { items } } });
      const done = await engine.waitForRun(run.id);
      if (done.status !== 'succeeded' || done.output.count !== n) throw new Error(`loop of ${n}: ${done.status}`);
      return performance.now() - started;
    });
    rows.push({ n, ms, perItemUs: (ms * 1000) / n, maxGap });
  }
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { idleMaxGap: idle.maxGap, rows, spans };
}
