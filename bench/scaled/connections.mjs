// node bench/scaled/connections.mjs [-- --requests 40 --redis]
//
// PostgreSQL connections one hub holds (`start --db`): a hub is started on a fresh database, every
// feature that keeps a pool is used once (ingest, metrics, alerts, playground keys, deployments,
// workflows, replay), then `--requests` requests of each kind at once, so each pool opens what it
// may; pg_stat_activity is read while they run and after, grouped by application_name. Not a
// timing: a count, to compare a change against (HUB_CLI=<checkout>/packages/hub/dist/cli/main.js
// for a before: another checkout or worktree, built, with node_modules reachable from it).
// With --redis the hub also gets a Redis (workflow runs on workers: the run store's pool and the
// secrets' LISTEN join). The servers are started here in temporary folders (packages/hub/dist/testing/).
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres } from '../../packages/hub/dist/testing/postgres-server.js';
import { startRedisServer } from '../../packages/hub/dist/testing/redis-server.js';
import { startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '40' }, redis: { type: 'boolean', default: false } } });
const REQUESTS = Number(values.requests);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

const server = await startPostgres();
const redis = values.redis ? await startRedisServer() : undefined;
const dbUrl = await server.createDatabase();
const dataDir = mkdtempSync(join(tmpdir(), 'rh-conn-'));
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
const database = new URL(dbUrl).pathname.slice(1);

async function connections() {
  const { rows } = await admin.query(
    `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 GROUP BY 1 ORDER BY 1`,
    [database],
  );
  return rows;
}

const print = (label, rows) => {
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  console.log(`${label}: ${total} connections (load ${load()})`);
  for (const r of rows) console.log(`  ${String(r.n).padStart(3)}  ${r.name || '(no name)'}`);
};

const env = { ...process.env, RUNTIME_HUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
process.env.RUNTIME_HUB_SECRET_KEY = env.RUNTIME_HUB_SECRET_KEY;
let hub;
try {
  hub = await startHub(['--db', dbUrl, '--data', dataDir, ...(redis ? ['--redis', redis.url] : [])]);
  const post = (path, body) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (path) => fetch(`${hub.url}${path}`).then((res) => res.arrayBuffer());
  await post('/api/v1/spans', { spans: makeSpans(200) });
  await new Promise((resolve) => setTimeout(resolve, 2000)); // a rollup flush, an alerts tick's lock
  print('after start and one batch', await connections());
  const reads = ['/api/v1/metrics/series?window=1h', '/api/v1/alerts/rules', '/api/v1/playground/keys', '/api/v1/deployments', '/api/v1/projects', '/api/v1/traces?limit=50', '/api/v1/spans?limit=50'];
  const burst = Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => [post('/api/v1/spans', { spans: makeSpans(100) }).then((res) => res.arrayBuffer()), ...reads.map((path) => get(`${path}${path.includes('?') ? '&' : '?'}n=${i}`))]).flat(),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const during = await connections();
  await burst;
  print(`during ${REQUESTS} of each request at once`, during);
  print('after the burst', await connections());
} finally {
  // Also when the hub did not start: the servers started here must not outlive the script.
  if (hub) await stopHub(hub);
  await admin.end();
  await server.close();
  await redis?.close();
  rmSync(dataDir, { recursive: true, force: true });
}
