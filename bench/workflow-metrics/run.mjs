// bench/workflow-metrics: the metrics API's queries over 1,000,000 stored runs, each next to a
// same-run baseline — a raw SQL COUNT(*) over the runs table for the same range (the least any
// answer over raw runs costs). The runs are written through the hub's own SqliteRunStore with the
// rollup hook on, as the engine writes them (a run and its two node steps, running then finished),
// spread over 30 days, 5 projects × 4 workflows, 8 % failed.
//
//   npm run build -w @runtime-hub/hub && node bench/workflow-metrics/run.mjs [--runs 1000000] [--reps 15]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteRunStore } from '../../packages/hub/dist/workflows/store/sqlite-run-store.js';
import { SqliteRunMetrics } from '../../packages/hub/dist/workflows/metrics/sqlite-run-metrics.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 1_000_000);
const REPS = arg('reps', 15);
const DAY = 86_400_000;
const now = Date.now();
const start = now - 30 * DAY;
const dir = mkdtempSync(join(tmpdir(), 'rh-bench-metrics-'));
const store = new SqliteRunStore(join(dir, 'workflows.sqlite'), { backgroundCheckpoints: false });
const metrics = new SqliteRunMetrics(store.db);
store.onWrite = (batches) => metrics.record(batches);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

// Deterministic pseudo-random numbers, so every run of the bench writes the same data.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

console.log(`writing ${RUNS.toLocaleString('en')} runs (2 steps each) through SqliteRunStore + rollups… load ${load()}`);
const t0 = performance.now();
const BATCH = 2000;
for (let written = 0; written < RUNS; written += BATCH) {
  const runs = [];
  const steps = [];
  for (let i = written; i < Math.min(RUNS, written + BATCH); i++) {
    const id = i.toString(16).padStart(32, '0');
    const project = `project-${i % 5}`;
    const workflow = `workflow-${Math.floor(i / 5) % 4}`;
    const createdAt = start + Math.floor((i / RUNS) * 30 * DAY);
    const duration = Math.round(20 + rand() * rand() * 3000);
    const failed = rand() < 0.08;
    const base = { id, project, workflow, version: 1, trigger: { type: 'webhook', body: { i } }, createdAt, startedAt: createdAt, traceId: id, spanId: id.slice(16), rootRunId: id, depth: 0 };
    runs.push({
      ...base,
      status: failed ? 'failed' : 'succeeded',
      endedAt: createdAt + duration,
      ...(failed ? { error: { code: i % 3 ? 'HTTP_STATUS' : 'NODE_TIMEOUT', message: 'x', retryable: false, nodeId: 'call' } } : {}),
    });
    steps.push(
      { runId: id, nodeId: 'start', nodeType: 'trigger', visit: 1, attempt: 1, status: 'succeeded', startedAt: createdAt, endedAt: createdAt + 1, spanId: id.slice(0, 16) },
      { runId: id, nodeId: 'call', nodeType: 'http', visit: 1, attempt: 1, status: failed ? 'failed' : 'succeeded', startedAt: createdAt + 1, endedAt: createdAt + duration, spanId: id.slice(16) },
    );
  }
  await store.commit({ runs, steps });
}
const writeSeconds = (performance.now() - t0) / 1000;
store.db.pragma('wal_checkpoint(TRUNCATE)');
store.db.exec('ANALYZE');
const rollupRows = store.db.prepare('SELECT (SELECT COUNT(*) FROM run_rollups) + (SELECT COUNT(*) FROM node_rollups) + (SELECT COUNT(*) FROM run_error_rollups)').pluck().get();
console.log(`written in ${writeSeconds.toFixed(1)} s; ${store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get().toLocaleString('en')} runs, ${rollupRows.toLocaleString('en')} rollup rows`);

function time(fn) {
  fn(); // warm
  const samples = [];
  for (let i = 0; i < REPS; i++) {
    const s = performance.now();
    fn();
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], max: samples.at(-1) };
}

const countRuns = store.db.prepare('SELECT COUNT(*) FROM runs WHERE created_at >= ? AND created_at < ?').pluck();
const countProject = store.db.prepare('SELECT COUNT(*) FROM runs WHERE project = ? AND created_at >= ? AND created_at < ?').pluck();
const countWorkflow = store.db.prepare('SELECT COUNT(*) FROM runs WHERE project = ? AND workflow = ? AND created_at >= ? AND created_at < ?').pluck();
// countProject has no index starting with (project, created_at); runs_by_workflow starts with (project, workflow, …).

const cases = [
  { name: 'all projects, 1 h', query: { from: now - 3_600_000, to: now }, baseline: () => countRuns.get(now - 3_600_000, now) },
  { name: 'all projects, 24 h', query: { from: now - DAY, to: now }, baseline: () => countRuns.get(now - DAY, now) },
  { name: 'all projects, 7 d', query: { from: now - 7 * DAY, to: now }, baseline: () => countRuns.get(now - 7 * DAY, now) },
  { name: 'all projects, 30 d', query: { from: now - 30 * DAY, to: now }, baseline: () => countRuns.get(now - 30 * DAY, now) },
  { name: 'one project, 30 d', query: { project: 'project-1', from: now - 30 * DAY, to: now }, baseline: () => countProject.get('project-1', now - 30 * DAY, now) },
  { name: 'one workflow, 6 h', query: { project: 'project-1', workflow: 'workflow-2', from: now - 6 * 3_600_000, to: now }, baseline: () => countWorkflow.get('project-1', 'workflow-2', now - 6 * 3_600_000, now) },
];

console.log(`\nmedian (max) of ${REPS} repetitions, ms; load average ${load()}`);
console.log('query'.padEnd(22), 'metrics report'.padStart(18), 'raw COUNT(*)'.padStart(18), 'executions'.padStart(12));
for (const c of cases) {
  const report = metrics.report(c.query);
  const m = time(() => metrics.report(c.query));
  const b = time(c.baseline);
  console.log(c.name.padEnd(22), `${m.median.toFixed(1)} (${m.max.toFixed(1)})`.padStart(18), `${b.median.toFixed(1)} (${b.max.toFixed(1)})`.padStart(18), String(report.totals.executions).padStart(12));
}
const cards = time(() => metrics.projects({ from: now - DAY, to: now }));
const cardsBaseline = time(() => store.db.prepare('SELECT project, COUNT(*) FROM runs WHERE created_at >= ? GROUP BY project').all(now - DAY));
console.log('project cards, 24 h'.padEnd(22), `${cards.median.toFixed(1)} (${cards.max.toFixed(1)})`.padStart(18), `${cardsBaseline.median.toFixed(1)} (${cardsBaseline.max.toFixed(1)})`.padStart(18));
console.log(`load average after: ${load()}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
