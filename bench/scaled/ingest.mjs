// node bench/scaled/ingest.mjs [-- --spans 200000 --batch 1000 --clients 4 --durable]
//
// Ingest into PostgreSQL (scaled mode, `start --db postgres://…`): spans/s over HTTP through one hub
// and through two hubs sharing the database, next to — in the same run, on the same server — a raw
// batched insert of the same rows into the same schema (one INSERT … SELECT unnest(…) per batch, no
// merge, no change counter, no trace rows): the floor a hub's write path could reach. The PostgreSQL
// server is started here in a temporary folder (packages/hub/dist/testing/postgres-server.js); with
// --durable it keeps fsync and synchronous commit on, otherwise it runs as the tests do (fsync off).
// Prints the load average with every figure: the machine is shared.
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres } from '../../packages/hub/dist/testing/postgres-server.js';
import { migrate } from '../../packages/hub/dist/store/postgres/migrate.js';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '4' },
    durable: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.spans);
const BATCH = Number(values.batch);
const CLIENTS = Number(values.clients);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** Posts TOTAL spans from CLIENTS concurrent clients, spread over the hubs' URLs in turn. */
async function pushThrough(urls) {
  const latencies = [];
  let next = 0;
  let sent = 0;
  let pushedBack = 0;
  const started = performance.now();
  async function client(index) {
    const url = urls[index % urls.length];
    while (next < TOTAL) {
      const count = Math.min(BATCH, TOTAL - next);
      next += count;
      const body = JSON.stringify({ spans: makeSpans(count) });
      for (;;) {
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const reply = await res.json();
        if (res.status === 429) {
          pushedBack++;
          await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
          continue;
        }
        latencies.push(performance.now() - t0);
        if (res.status !== 200 || reply.accepted !== count) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(reply).slice(0, 300)}`);
        break;
      }
      sent += count;
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: sent / seconds, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), pushedBack, load: load() };
}

async function benchHubs(server, count) {
  const url = await server.createDatabase();
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'rh-bench-scaled-')));
  const hubs = [];
  for (const dir of dirs) hubs.push(await startHub(['--data', dir, '--db', url]));
  try {
    const result = await pushThrough(hubs.map((h) => h.url));
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    result.stored = Number((await db.query('SELECT count(*) AS n FROM spans')).rows[0].n);
    await db.end();
    return result;
  } finally {
    for (const hub of hubs) await stopHub(hub);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const COLUMNS = ['span_id', 'trace_id', 'parent_span_id', 'service', 'name', 'kind', 'start_time', 'end_time', 'status', 'session_id',
  'input', 'output', 'error', 'attributes', 'events', 'error_group', 'seq'];
const TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'int8'];

/** The same rows, serialized before the clock starts, one multi-row INSERT per batch, CLIENTS connections side by side. */
async function benchRaw(server) {
  const url = await server.createDatabase();
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  await migrate(pool);
  const sql = `INSERT INTO spans (${COLUMNS.join(', ')}) SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
  let seq = 0;
  const batches = [];
  for (let done = 0; done < TOTAL; done += BATCH) {
    const columns = COLUMNS.map(() => []);
    for (const s of makeSpans(Math.min(BATCH, TOTAL - done))) {
      const row = [s.spanId, s.traceId, s.parentSpanId, s.service, s.name, s.kind, s.startTime, s.endTime, s.status, null,
        JSON.stringify(s.input), s.output === undefined ? null : JSON.stringify(s.output), s.error ? JSON.stringify(s.error) : null,
        JSON.stringify(s.attributes), null, s.error ? 'group' : null, ++seq];
      row.forEach((value, i) => columns[i].push(value));
    }
    batches.push(columns);
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < batches.length) await pool.query(sql, batches[next++]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { rate: TOTAL / seconds, seconds, load: load() };
}

console.log(`scaled ingest benchmark: ${fmt(TOTAL)} spans, batches of ${BATCH}, ${CLIENTS} HTTP clients, node ${process.version}, ` +
  `PostgreSQL ${values.durable ? 'durable (fsync on, synchronous_commit on)' : 'as in tests (fsync off)'}`);
console.log(`load average before: ${load()}`);
const server = await startPostgres({ durable: values.durable });
try {
  const one = await benchHubs(server, 1);
  const two = await benchHubs(server, 2);
  const raw = await benchRaw(server);
  console.log('');
  const line = (label, r, extra = '') =>
    console.log(`${label.padEnd(26)} ${fmt(r.rate).padStart(9)} spans/s  (${r.seconds.toFixed(1)} s${extra})  load ${r.load}`);
  line('one hub over HTTP', one, `, ack p50 ${one.p50.toFixed(0)} ms p99 ${one.p99.toFixed(0)} ms, ${fmt(one.stored)} stored, ${one.pushedBack} pushed back`);
  line('two hubs over HTTP', two, `, ack p50 ${two.p50.toFixed(0)} ms p99 ${two.p99.toFixed(0)} ms, ${fmt(two.stored)} stored, ${two.pushedBack} pushed back`);
  line('raw batched INSERT', raw, ', same schema and indexes, same rows');
  console.log(`one hub / raw ${((one.rate / raw.rate) * 100).toFixed(0)} %   two hubs / raw ${((two.rate / raw.rate) * 100).toFixed(0)} %`);
} finally {
  await server.close();
}
