// npm run bench:workflows [-- --seconds 5 --rounds 3 --concurrency 32 --runs 2000]
//
// Workflow throughput over HTTP on loopback: a 3-node workflow (webhook → set → respond) with
// every step persisted, called at /w/bench/greet by concurrent keep-alive clients. Next to it,
// measured in the same run, the baseline: a bare Fastify + better-sqlite3 server that writes the
// same rows per request with no engine (baseline-server.mjs). Then the engine's overhead per
// node from a 20-node chain of no-op set nodes (engine-overhead.mjs), and loops over growing item
// counts (loop-scaling.mjs). Needs `npm run build`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { memoryOf, startHub, stopHub } from '../lib/hub.mjs';
import { engineOverhead } from './engine-overhead.mjs';
import { loopScaling } from './loop-scaling.mjs';
import { load } from './http-load.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '32' },
    runs: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
  },
});
const ROUNDS = Number(values.rounds);
const options = { seconds: Number(values.seconds), warmupSeconds: Number(values.warmup), concurrency: Number(values.concurrency) };
const check = (text) => text === '{"message":"Hello, Ada!"}';

const GREET = {
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'start', type: 'trigger', name: 'Webhook' },
    { id: 'hello', type: 'set', name: 'Say hello', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } },
    { id: 'answer', type: 'respond', name: 'Respond', config: { body: '{{ input }}' } },
  ],
  edges: [
    { source: 'start', target: 'hello' },
    { source: 'hello', target: 'answer' },
  ],
};

async function startHubSide() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-wf-'));
  const hub = await startHub(['--data', dataDir]);
  const post = (path, body) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post('/api/v1/projects', { id: 'bench', name: 'Bench' });
  const saved = await post('/api/v1/projects/bench/workflows', GREET);
  if (saved.status !== 201) throw new Error(`could not save the workflow: ${await saved.text()}`);
  return {
    url: `${hub.url}/w/bench/greet`,
    async stop() {
      const memory = memoryOf(hub.proc.pid);
      const runs = await (await fetch(`${hub.url}/api/v1/runs?project=bench&limit=1`)).json();
      await stopHub(hub);
      rmSync(dataDir, { recursive: true, force: true });
      return { memory, lastRun: runs.runs[0] };
    },
  };
}

async function startBaselineSide() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-wf-base-'));
  const proc = spawn(process.execPath, [fileURLToPath(new URL('./baseline-server.mjs', import.meta.url)), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /baseline listening on (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    proc.on('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return {
    url: `${url}/greet`,
    async stop() {
      proc.removeAllListeners('exit');
      const exited = new Promise((resolve) => proc.on('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const median = (list, key) => [...list].sort((a, b) => a[key] - b[key])[Math.floor(list.length / 2)];

const f = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

console.log(`workflow bench: ${options.concurrency} keep-alive clients; ${ROUNDS} alternating rounds of ${options.warmupSeconds}s warm-up + ${options.seconds}s measured per side; medians`);
const baselineSide = await startBaselineSide();
const hubSide = await startHubSide();
const baselineRounds = [];
const hubRounds = [];
for (let round = 0; round < ROUNDS; round++) {
  baselineRounds.push(await load(baselineSide.url, { name: 'Ada' }, { ...options, check }));
  hubRounds.push(await load(hubSide.url, { name: 'Ada' }, { ...options, check }));
}
await baselineSide.stop();
const hubEnd = await hubSide.stop();
const baseline = median(baselineRounds, 'perSecond');
const hub = { ...median(hubRounds, 'perSecond'), ...hubEnd };
const overhead = await engineOverhead(Number(values.runs));
const loops = await loopScaling();

console.log('');
console.log('3-node workflow (webhook → set → respond), every step persisted, HTTP on loopback');
console.log(`  rounds (executions/s): hub ${hubRounds.map((r) => f(r.perSecond)).join(' / ')}   baseline ${baselineRounds.map((r) => f(r.perSecond)).join(' / ')}`);
console.log(`  runtime-hub  /w/bench/greet  ${f(hub.perSecond)} executions/s   p50 ${f(hub.p50, 2)} ms   p99 ${f(hub.p99, 2)} ms   (${f(hubRounds.reduce((n, r) => n + r.count, 0))} runs in all, hub RSS ${f(hub.memory.rssMb)} MB)`);
console.log(`  baseline     bare Fastify + SQLite, same rows, no engine   ${f(baseline.perSecond)} req/s   p50 ${f(baseline.p50, 2)} ms   p99 ${f(baseline.p99, 2)} ms`);
console.log(`  hub / baseline: ${f((100 * hub.perSecond) / baseline.perSecond, 1)} %   target ≥ 2,000 executions/s: ${hub.perSecond >= 2000 ? 'met' : 'NOT met'}`);
console.log(`  last run: ${hub.lastRun.status}, ${hub.lastRun.durationMs} ms, trigger ${hub.lastRun.trigger}`);
console.log('');
console.log(`engine overhead per node (20-node chain of no-op set nodes vs 1 node, ${f(Number(values.runs))} sequential runs each)`);
for (const [name, m] of [['SQLite (every step persisted)', overhead.persisted], ['no store (engine alone)', overhead.memory]]) {
  console.log(`  ${name.padEnd(30)} 1-node run ${f(m.one * 1000, 0)} µs   20-node run ${f(m.twenty * 1000, 0)} µs   per node ${f(m.perNode * 1000, 1)} µs`);
}
console.log(`  target < 1 ms per node: ${overhead.persisted.perNode < 1 ? 'met' : 'NOT met'}`);
console.log('');
console.log('loop over n items (loop → set → back; every step persisted to SQLite), one run at a time');
for (const row of loops.rows) {
  console.log(`  n = ${f(row.n).padStart(6)}   ${f(row.ms).padStart(6)} ms   ${f(row.perItemUs, 1).padStart(6)} µs per item   longest event-loop stall ${f(row.maxGap, 1)} ms`);
}
const [first, last] = [loops.rows[0], loops.rows.at(-1)];
console.log(`  per item at n = ${f(last.n)} / at n = ${f(first.n)}: ${f(last.perItemUs / first.perItemUs, 2)} (1 = linear)   idle event-loop probe, same run: longest gap ${f(loops.idleMaxGap, 1)} ms`);
