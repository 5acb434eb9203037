// node bench/metrics/postgres.mjs [-- --spans 1000000 --days 7 --functions 7 --repeat 20]
//
// The rollup store of scaled mode (issue 14): each Metrics-view query answered by the PostgreSQL
// RollupStore (analytics/postgres/) over the rollups of `--spans` spans spread over `--days` days,
// next to the SQLite RollupStore answering the same queries over the same rollups in the same run
// (the embedded hub's store: the baseline). Both stores are filled by the hub's own
// RollupAccumulator from the same spans; the queries call the stores directly (no HTTP), so the
// figures are the stores' own. PostgreSQL is started by the bench like the tests' (fsync off).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RollupAccumulator } from '../../packages/hub/dist/analytics/rollup-accumulator.js';
import { PostgresRollupStore } from '../../packages/hub/dist/analytics/postgres/postgres-rollup-store.js';
import { SqliteRollupStore } from '../../packages/hub/dist/analytics/sqlite/sqlite-rollup-store.js';
import { startPostgres } from '../../packages/hub/dist/testing/postgres-server.js';
import { percentile } from '../lib/hub.mjs';
import { metricsSpans } from './spans.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '7' },
    functions: { type: 'string', default: '7' },
    repeat: { type: 'string', default: '20' },
  },
});
const TOTAL = Number(values.spans);
const DAYS = Number(values.days);
const FUNCTIONS = Number(values.functions);
const REPEAT = Number(values.repeat);
const HOUR = 3_600_000;
/** The first difference between two answers, numbers compared to 1e-9 of their size (sums added in another order); undefined when none. */
function difference(a, b, path = '') {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? undefined : `${path}: ${a} vs ${b}`;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? undefined : `${path}: ${a} vs ${b}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = difference(a[key], b[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

console.log(`bench:metrics postgres — rollups of ${TOTAL.toLocaleString()} spans in ${DAYS} days; load average at start: ${loadavg()}`);

// The same spans as run.mjs (bench/metrics/spans.mjs); only their rollups are written here.
const spanAt = metricsSpans({ total: TOTAL, days: DAYS, functions: FUNCTIONS });

const server = await startPostgres();
const folder = mkdtempSync(join(tmpdir(), 'rh-bench-metrics-pg-'));
try {
  const stores = { sqlite: new SqliteRollupStore(join(folder, 'analytics.sqlite')), postgres: await PostgresRollupStore.open(await server.createDatabase()) };
  const fillMs = {};
  for (const [name, store] of Object.entries(stores)) {
    // One hub's accumulator per store; PostgreSQL's claims each span id, as a hub of a scaled setup does.
    const accumulator = new RollupAccumulator(store);
    const t0 = performance.now();
    for (let done = 0; done < TOTAL; done += 5000) {
      const spans = [];
      for (let i = done; i < Math.min(TOTAL, done + 5000); i++) spans.push(spanAt(i));
      accumulator.onSpans(spans);
      await accumulator.flush();
    }
    await store.prune(Date.now());
    fillMs[name] = performance.now() - t0;
    console.log(`  ${name}: rollups of ${TOTAL.toLocaleString()} spans written in ${(fillMs[name] / 1000).toFixed(1)} s (${((TOTAL / fillMs[name]) * 1000).toFixed(0)} spans/s through the accumulator; load ${loadavg()})`);
  }

  const now = Date.now();
  const QUERIES = [
    ['series, last hour, all', (s) => s.series({ from: now - HOUR, to: now }, 60_000)],
    ['series, last 24 h, all', (s) => s.series({ from: now - 24 * HOUR, to: now }, 600_000)],
    ['series, last 24 h, one service', (s) => s.series({ from: now - 24 * HOUR, to: now, service: 'billing' }, 600_000)],
    ['series, 7 days, all', (s) => s.series({ from: now - 7 * 24 * HOUR, to: now }, 3 * HOUR)],
    ['top slow functions, 24 h', (s) => s.breakdown({ from: now - 24 * HOUR, to: now, by: 'function', sort: 'p95', limit: 20 })],
    ['top failing functions, 7 days', (s) => s.breakdown({ from: now - 7 * 24 * HOUR, to: now, by: 'function', sort: 'errorRate', limit: 20 })],
    ['cost leaders by model, 7 days', (s) => s.breakdown({ from: now - 7 * 24 * HOUR, to: now, by: 'model', sort: 'cost', limit: 20 })],
    ['per service, 24 h', (s) => s.breakdown({ from: now - 24 * HOUR, to: now, by: 'service', sort: 'calls', limit: 20 })],
  ];
  console.log(`\nquery (${REPEAT} runs each, interleaved)               PostgreSQL p50 / p95     SQLite store p50 / p95 (baseline)`);
  let worst = 0;
  for (const [label, query] of QUERIES) {
    const ms = { sqlite: [], postgres: [] };
    const differs = difference(await query(stores.sqlite), await query(stores.postgres));
    for (let i = 0; i < REPEAT; i++) {
      for (const name of i % 2 === 0 ? ['postgres', 'sqlite'] : ['sqlite', 'postgres']) {
        const t0 = performance.now();
        await query(stores[name]);
        ms[name].push(performance.now() - t0);
      }
    }
    for (const list of Object.values(ms)) list.sort((a, b) => a - b);
    worst = Math.max(worst, percentile(ms.postgres, 95));
    const f = (list) => `${percentile(list, 50).toFixed(1).padStart(7)} / ${percentile(list, 95).toFixed(1).padStart(7)} ms`;
    console.log(`  ${label.padEnd(44)} ${f(ms.postgres)}   ${f(ms.sqlite)}   ${differs ? `ANSWERS DIFFER at ${differs}` : 'same answer'} (load ${loadavg()})`);
  }
  console.log(`slowest PostgreSQL metrics query p95: ${worst.toFixed(1)} ms (target < 100 ms)`);
  await Promise.all(Object.values(stores).map((s) => s.close()));
} finally {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
}
