// Engine overhead per node, in-process: runs a 1-node and a 20-node chain of no-op set nodes
// one after the other (each run waits for the previous one) and divides the difference by 19.
// Measured twice: with every step persisted to SQLite (the hub's store), and with a store that
// keeps nothing (the engine's own cost: state machine, expressions, step records, span records).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, MemoryRunStore, MemoryWorkflowSource } from '../../packages/engine/dist/index.js';
import { randomIds, systemClock } from '../../packages/engine/dist/adapters/index.js';
import { SqliteRunStore } from '../../packages/hub/dist/workflows/store/sqlite-run-store.js';

function chain(id, length) {
  const nodes = [{ id: 'start', type: 'trigger' }];
  const edges = [];
  for (let i = 1; i <= length; i++) {
    nodes.push({ id: `s${i}`, type: 'set', config: { fields: { i, name: '{{ trigger.body.name }}' } } });
    edges.push({ source: i === 1 ? 'start' : `s${i - 1}`, target: `s${i}` });
  }
  return { id, name: id, nodes, edges };
}

async function measure(store, runs) {
  const source = new MemoryWorkflowSource(store);
  source.putProject({ id: 'bench', name: 'Bench' });
  await source.putWorkflow('bench', chain('one', 1));
  await source.putWorkflow('bench', chain('twenty', 20));
  let spans = 0;
  const engine = new Engine({ clock: systemClock, ids: randomIds, store, workflows: source, spans: { emit: (records) => (spans += records.length) } });
  const once = async (workflow, count) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const run = await engine.startRun({ project: 'bench', workflow, trigger: { type: 'manual', body: { name: 'Ada' } } });
      if (run.status !== 'succeeded') throw new Error(`run ${run.status}`);
    }
    return (performance.now() - started) / count;
  };
  await once('one', 200);
  await once('twenty', 200);
  // Alternating rounds, medians: the machine's noise hits both sides alike.
  const rounds = [];
  for (let round = 0; round < 5; round++) rounds.push({ one: await once('one', Math.ceil(runs / 5)), twenty: await once('twenty', Math.ceil(runs / 5)) });
  const median = (key) => rounds.map((r) => r[key]).sort((a, b) => a - b)[2];
  const perNode = rounds.map((r) => (r.twenty - r.one) / 19).sort((a, b) => a - b)[2];
  const one = median('one');
  const twenty = median('twenty');
  await engine.stop();
  return { one, twenty, perNode, spans };
}

/** Versions are kept (the engine resolves definitions through them); runs and steps are dropped. */
class DiscardingStore extends MemoryRunStore {
  commit() {
    return Promise.resolve();
  }
}

export async function engineOverhead(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'rh-bench-engine-'));
  const sqlite = new SqliteRunStore(join(dir, 'workflows.sqlite'));
  const persisted = await measure(sqlite, runs);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  const memory = await measure(new DiscardingStore(), runs);
  return { persisted, memory };
}
