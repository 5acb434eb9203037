// npm run bench:metrics [-- --spans 1000000 --days 7 --functions 7 --ingest 200000 --rounds 2 --repeat 20]
//
// Analytics (issue 15). Two figures, each next to a same-run baseline:
//  1. Ingest rate over HTTP into a real hub (SQLite) with rollups on, next to a hub started with
//     --no-rollups, rounds interleaved on/off so load changes on the machine hit both alike.
//  2. Each query of the Metrics view (GET /api/v1/metrics/…) against a real hub whose data folder
//     holds `--spans` spans spread over the last `--days` days, next to the same numbers computed
//     from the raw spans table in SQLite directly (counts and sums only: the baseline even leaves
//     out the quantiles, which plain SQL cannot merge).
// The spans are stored with the hub's own SpanWriter, and their rollups built by the hub's own
// RollupAccumulator and SQLite rollup store — the code an ingest listener runs — in this process,
// because pushing a million spans through HTTP on a loaded 2-core machine takes most of an hour.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { RollupAccumulator } from '../../packages/hub/dist/analytics/rollup-accumulator.js';
import { SqliteRollupStore } from '../../packages/hub/dist/analytics/sqlite/sqlite-rollup-store.js';
import { SCHEMA } from '../../packages/hub/dist/store/sqlite/schema.js';
import { SpanWriter } from '../../packages/hub/dist/store/sqlite/span-writer.js';
import { memoryOf, percentile, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';
import { metricsSpans } from './spans.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '7' },
    functions: { type: 'string', default: '7' },
    ingest: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '20' },
    'raw-repeat': { type: 'string', default: '3' },
    // Reuse (or keep) a filled data folder: skips filling when it already holds spans.
    data: { type: 'string' },
    'skip-ingest': { type: 'boolean', default: false },
    'skip-queries': { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.spans);
const DAYS = Number(values.days);
const FUNCTIONS = Number(values.functions);
const INGEST = Number(values.ingest);
const ROUNDS = Number(values.rounds);
const REPEAT = Number(values.repeat);
const RAW_REPEAT = Number(values['raw-repeat']);
const BATCH = 1000;
const HOUR = 3_600_000;

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const round = (n) => Math.round(n).toLocaleString('en-US');

console.log(`bench:metrics — ingest ${INGEST.toLocaleString()} spans per round; queries over ${TOTAL.toLocaleString()} spans in ${DAYS} days, ${FUNCTIONS} functions × 4 services + 3 LLM models`);
console.log(`load average at start: ${loadavg()}`);

// 1. Ingest with rollups on and off.
async function ingestRate(rollups) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-metrics-ingest-'));
  const hub = await startHub(['--data', dataDir, ...(rollups ? [] : ['--no-rollups'])]);
  try {
    const bodies = [];
    for (let done = 0; done < INGEST; done += BATCH) bodies.push(JSON.stringify({ spans: makeSpans(Math.min(BATCH, INGEST - done)) }));
    let next = 0;
    const started = performance.now();
    const client = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const reply = await res.json();
        if (res.status !== 200 || reply.rejected.length > 0) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(reply).slice(0, 300)}`);
      }
    };
    await Promise.all([client(), client()]);
    const rate = INGEST / ((performance.now() - started) / 1000);
    return { rate, rssMb: memoryOf(hub.proc.pid).rssMb };
  } finally {
    await stopHub(hub);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rates = { on: [], off: [] };
for (let r = 0; r < (values['skip-ingest'] ? 0 : ROUNDS); r++) {
  for (const on of r % 2 === 0 ? [true, false] : [false, true]) {
    const { rate, rssMb } = await ingestRate(on);
    rates[on ? 'on' : 'off'].push(rate);
    console.log(`  round ${r + 1} rollups ${on ? 'on ' : 'off'}: ${round(rate)} spans/s, hub RSS ${round(rssMb)} MB (load ${loadavg()})`);
  }
}
// The best round of each: a busy machine only ever slows a round down.
if (rates.on.length > 0) {
  const on = Math.max(...rates.on);
  const off = Math.max(...rates.off);
  console.log(`ingest (best round): rollups on ${round(on)} spans/s, off ${round(off)} spans/s (${(((off - on) / off) * 100).toFixed(1)} % less with rollups)`);
}

if (values['skip-queries']) process.exit(0);

// 2. A data folder with TOTAL spans and their rollups.
const spanAt = metricsSpans({ total: TOTAL, days: DAYS, functions: FUNCTIONS });

const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'rh-bench-metrics-1m-'));
const fillStarted = performance.now();
const filled = values.data !== undefined && existsSync(join(dataDir, 'analytics.sqlite'));
if (!filled) {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'hub.sqlite'));
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // The SQL functions the writer's statements and the full-text triggers call, as the writer thread registers them.
  db.exec(SCHEMA);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1')").run();
  const writer = new SpanWriter(db, 0);
  const rollups = new SqliteRollupStore(join(dataDir, 'analytics.sqlite'));
  const accumulator = new RollupAccumulator(rollups);
  let listenerMs = 0;
  for (let done = 0; done < TOTAL; done += 5000) {
    const spans = [];
    for (let i = done; i < Math.min(TOTAL, done + 5000); i++) spans.push(spanAt(i));
    writer.write(
      spans.map((s) => [s.spanId, s.traceId, null, s.service, s.name, s.kind, s.startTime, s.endTime, s.status, null, null, null, null, null, null, null,
        s.usage?.model ?? null, s.usage?.inputTokens ?? null, s.usage?.outputTokens ?? null, s.usage?.costUsd ?? null]),
      Date.now(),
    );
    const t0 = performance.now();
    accumulator.onSpans(spans);
    listenerMs += performance.now() - t0;
    await accumulator.flush();
    if (done % 200_000 === 0 && done > 0) console.log(`  stored ${done.toLocaleString()} spans (load ${loadavg()})`);
  }
  // A hub that ran all along would have pruned each tier every 10 minutes.
  await rollups.prune(Date.now());
  await rollups.close();
  db.close();
  console.log(`filled in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s; the ingest listener spent ${(listenerMs * 1000 / TOTAL).toFixed(2)} µs per span on the main thread`);
}

const hub = await startHub(['--data', dataDir]);
const raw = new Database(join(dataDir, 'hub.sqlite'), { readonly: true });
const rollupRows = new Database(join(dataDir, 'analytics.sqlite'), { readonly: true }).prepare('SELECT res, count(*) AS n FROM rollups GROUP BY res').all();
console.log(`rollup rows: ${rollupRows.map((r) => `${r.n.toLocaleString()} of ${r.res / 60000} min`).join(', ')}`);

const now = Date.now();
const QUERIES = [
  ['series, last hour, all', `/api/v1/metrics/series?from=${now - HOUR}&to=${now}`, `SELECT (start_time / 60000) * 60000 AS t, count(*), sum(status = 'error'), sum(end_time - start_time), sum(cost_usd) FROM spans WHERE start_time >= ${now - HOUR} AND start_time < ${now} GROUP BY t`],
  ['series, last 24 h, all', `/api/v1/metrics/series?from=${now - 24 * HOUR}&to=${now}`, `SELECT (start_time / 900000) * 900000 AS t, count(*), sum(status = 'error'), sum(end_time - start_time), sum(cost_usd) FROM spans WHERE start_time >= ${now - 24 * HOUR} AND start_time < ${now} GROUP BY t`],
  ['series, last 24 h, one service', `/api/v1/metrics/series?service=billing&from=${now - 24 * HOUR}&to=${now}`, `SELECT (start_time / 900000) * 900000 AS t, count(*), sum(status = 'error'), sum(end_time - start_time) FROM spans WHERE service = 'billing' AND start_time >= ${now - 24 * HOUR} AND start_time < ${now} GROUP BY t`],
  ['series, 7 days, all', `/api/v1/metrics/series?from=${now - 7 * 24 * HOUR}&to=${now}`, `SELECT (start_time / 10800000) * 10800000 AS t, count(*), sum(status = 'error'), sum(end_time - start_time), sum(cost_usd) FROM spans WHERE start_time >= ${now - 7 * 24 * HOUR} GROUP BY t`],
  ['top slow functions, 24 h', `/api/v1/metrics/breakdown?by=function&sort=p95&from=${now - 24 * HOUR}&to=${now}`, `SELECT service, name, count(*), sum(status = 'error'), max(end_time - start_time) FROM spans WHERE start_time >= ${now - 24 * HOUR} GROUP BY service, name`],
  ['top failing functions, 7 days', `/api/v1/metrics/breakdown?by=function&sort=errorRate&from=${now - 7 * 24 * HOUR}&to=${now}`, `SELECT service, name, count(*), sum(status = 'error') FROM spans WHERE start_time >= ${now - 7 * 24 * HOUR} GROUP BY service, name`],
  ['cost leaders by model, 7 days', `/api/v1/metrics/breakdown?by=model&sort=cost&from=${now - 7 * 24 * HOUR}&to=${now}`, `SELECT model, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd) FROM spans WHERE model IS NOT NULL AND start_time >= ${now - 7 * 24 * HOUR} GROUP BY model`],
  ['per service, 24 h', `/api/v1/metrics/breakdown?by=service&from=${now - 24 * HOUR}&to=${now}`, `SELECT service, count(*), sum(status = 'error') FROM spans WHERE start_time >= ${now - 24 * HOUR} GROUP BY service`],
];

async function timed(times, run) {
  const ms = [];
  await run(); // warm-up: statement preparation, the thread's first use
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

// Every query over HTTP first, then the baselines with the hub stopped: a raw scan of a million
// spans takes seconds on a loaded machine and would otherwise run beside the hub's queries.
hub.proc.on('exit', (code, signal) => console.log(`  (hub exited: ${code ?? signal})`));
/** CPU time the hub process has used (all its threads), ms: a figure the machine's load does not inflate. */
const hubCpuMs = () => {
  const fields = readFileSync(`/proc/${hub.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in ticks of 10 ms
};
const results = [];
for (const [label, path] of QUERIES) {
  const query = async () => {
    const res = await fetch(`${hub.url}${path}`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.json();
  };
  await query();
  const cpuBefore = hubCpuMs();
  const timing = await timed(REPEAT, query);
  results.push({ ...timing, cpuMs: (hubCpuMs() - cpuBefore) / (REPEAT + 1) });
  console.log(`  ${label}: done (load ${loadavg()})`);
}
await stopHub(hub);
console.log(`\nquery (hub: ${REPEAT} runs each; raw scans: ${RAW_REPEAT})        hub over HTTP p50 / p95   hub CPU per query   raw spans in SQLite p50 / p95`);
let worst = 0;
for (const [i, [label, , sql]] of QUERIES.entries()) {
  const statement = raw.prepare(sql);
  const base = await timed(RAW_REPEAT, () => statement.all());
  const http = results[i];
  worst = Math.max(worst, http.p95);
  console.log(`  ${label.padEnd(44)} ${http.p50.toFixed(1).padStart(7)} / ${http.p95.toFixed(1).padStart(7)} ms   ${http.cpuMs.toFixed(1).padStart(8)} ms   ${base.p50.toFixed(1).padStart(9)} / ${base.p95.toFixed(1).padStart(7)} ms   (load ${loadavg()})`);
}
console.log(`slowest metrics query p95: ${worst.toFixed(1)} ms (target < 100 ms)`);
raw.close();
if (values.data === undefined) rmSync(dataDir, { recursive: true, force: true });
