// node bench/scaled/exec.mjs [-- --runs 600 --parallel 50 --postgres [--statements]]
//
// Workflow executions/s in scaled mode (`start --redis`, `runtime-hub worker`): one hub hands runs
// to BullMQ, one worker and then two workers drive them; next to it, in the same run, the embedded
// hub (no Redis: the hub drives its own runs) as the baseline. Each run is a webhook-style workflow
// of three inline nodes, so the figure is the cost of the machinery (commit, enqueue, claim,
// drive, spans), not of the nodes. Runs are started through the API, `parallel` at a time; the
// clock stops when the last one is stored as succeeded. With --postgres the runs (and spans) are
// in PostgreSQL (`--db`), else in the shared data folder. Redis and PostgreSQL are started here in
// temporary folders (packages/hub/dist/testing/). Prints the load average: the machine is shared.
// --statements (with --postgres): PostgreSQL runs pg_stat_statements, and each scaled line is
// followed by the statements that took the most time while the runs were driven (lock waits
// included), with calls, total and mean ms. HUB_NODE_ARGS profiles the hub (bench/lib/hub.mjs).
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres } from '../../packages/hub/dist/testing/postgres-server.js';
import { startRedisServer } from '../../packages/hub/dist/testing/redis-server.js';
import { spawnWorker, killNow } from '../../packages/hub/dist/testing/worker-process.js';
import { startHub, stopHub } from '../lib/hub.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '600' }, parallel: { type: 'string', default: '50' }, postgres: { type: 'boolean', default: false }, statements: { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const PARALLEL = Number(values.parallel);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

const WORKFLOW = {
  id: 'order',
  name: 'Order',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'price', type: 'set', config: { fields: { total: '{{ trigger.body.qty * 3 }}' } } },
    { id: 'check', type: 'condition', config: { condition: '{{ input.total > 10 }}' } },
    { id: 'out', type: 'set', config: { fields: { ok: true, total: '{{ nodes.price.output.total }}' } } },
  ],
  edges: [
    { source: 'start', target: 'price' },
    { source: 'price', target: 'check' },
    { source: 'check', sourceOutput: 'true', target: 'out' },
  ],
};

async function api(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

async function succeeded(url) {
  let count = 0;
  let cursor;
  do {
    const page = await api(url, 'GET', `/api/v1/runs?project=bench&status=succeeded&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += page.runs.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

/** Starts RUNS runs, PARALLEL at a time, and waits until all are stored as succeeded; runs/s. */
async function drive(url) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < RUNS) {
        next++;
        await api(url, 'POST', '/api/v1/projects/bench/workflows/order/runs', { qty: 5 });
      }
    }),
  );
  while ((await succeeded(url)) < RUNS) await new Promise((r) => setTimeout(r, 50));
  return RUNS / ((performance.now() - started) / 1000);
}

async function scenario(label, workers) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-exec-'));
  const redis = workers > 0 ? await startRedisServer() : undefined;
  const postgres = workers > 0 && values.postgres ? await startPostgres(values.statements ? { settings: ["shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track = 'all'"] } : {}) : undefined;
  const db = postgres ? ['--db', await postgres.createDatabase()] : [];
  const statements = postgres && values.statements ? new pg.Client({ connectionString: db[1] }) : undefined;
  const hub = await startHub(['--data', dataDir, ...db, ...(redis ? ['--redis', redis.url] : [])]);
  const children = [];
  try {
    await api(hub.url, 'POST', '/api/v1/projects', { id: 'bench', name: 'Bench' });
    await api(hub.url, 'POST', '/api/v1/projects/bench/workflows', WORKFLOW);
    for (let i = 0; i < workers; i++) children.push(await spawnWorker(['--redis', redis.url, ...db, '--data', dataDir, '--hub', hub.url, '--concurrency', '100']));
    await statements?.connect();
    await statements?.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await statements?.query('SELECT pg_stat_statements_reset()');
    const rate = await drive(hub.url);
    console.log(`${label.padEnd(38)} ${rate.toFixed(0).padStart(6)} runs/s   load ${load()}`);
    if (statements) await printStatements(statements);
  } finally {
    await statements?.end();
    for (const child of children) await killNow(child);
    await stopHub(hub);
    await redis?.close();
    await postgres?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The statements that took the most time (execution, lock waits included) since the reset. */
async function printStatements(client) {
  const { rows } = await client.query(
    `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS text
     FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 8`,
  );
  for (const r of rows) console.log(`    ${String(r.calls).padStart(6)} calls ${r.total.toFixed(1).padStart(9)} ms ${r.mean.toFixed(3).padStart(8)} ms/call  ${r.text}`);
}

console.log(`workflow executions: ${RUNS} runs of 3 inline nodes, ${PARALLEL} API calls in flight, runs in ${values.postgres ? 'PostgreSQL' : 'the shared data folder (SQLite)'}; load before ${load()}`);
await scenario('baseline: embedded hub (no Redis)', 0);
await scenario('scaled: hub + 1 worker', 1);
await scenario('scaled: hub + 2 workers', 2);
