// npm run bench:ingest [-- --spans 1000000 --batch 1000 --clients 2]
//
// Pushes realistic spans over HTTP from concurrent clients into a real hub (SQLite) and prints
// sustained spans/s, acknowledgement latency, hub memory, and — measured in the same run — the raw
// insert rate of the same rows into SQLite through better-sqlite3 with the hub's own schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SCHEMA } from '../../packages/hub/dist/store/sqlite/schema.js';
import { memoryOf, percentile, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '2' },
  },
});
const TOTAL = Number(values.spans);
const BATCH = Number(values.batch);
const CLIENTS = Number(values.clients);

async function benchHub() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-ingest-'));
  const hub = await startHub(['--data', dataDir]);
  const latencies = [];
  let next = 0;
  let sent = 0;
  const started = performance.now();
  async function client() {
    while (next < TOTAL) {
      const count = Math.min(BATCH, TOTAL - next);
      next += count;
      const body = JSON.stringify({ spans: makeSpans(count) });
      const t0 = performance.now();
      const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const reply = await res.json();
      latencies.push(performance.now() - t0);
      if (res.status !== 200 || reply.accepted !== count) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(reply).slice(0, 300)}`);
      sent += count;
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const seconds = (performance.now() - started) / 1000;
  const memory = memoryOf(hub.proc.pid);
  const health = await (await fetch(`${hub.url}/api/health`)).json();
  await stopHub(hub);
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { rate: sent / seconds, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), memory, stored: health.spans };
}

/** The same rows, pre-serialized, inserted with one prepared statement per row, BATCH rows per transaction. */
function benchRawSqlite(withIndexes) {
  const dir = mkdtempSync(join(tmpdir(), 'rh-bench-raw-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000'); // what the hub's background checkpoints amount to
  db.exec(withIndexes ? SCHEMA : SCHEMA.replace(/CREATE INDEX[^;]+;/g, ''));
  const insert = db.prepare(`INSERT INTO spans (span_id, trace_id, parent_span_id, service, name, kind, start_time, end_time, status,
    session_id, input, output, error, attributes, events, error_group, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertBatch = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  let seq = 0;
  let elapsed = 0;
  for (let done = 0; done < TOTAL; done += BATCH) {
    const rows = makeSpans(Math.min(BATCH, TOTAL - done)).map((s) => [
      s.spanId, s.traceId, s.parentSpanId, s.service, s.name, s.kind, s.startTime, s.endTime, s.status, null,
      JSON.stringify(s.input), s.output === undefined ? null : JSON.stringify(s.output), s.error ? JSON.stringify(s.error) : null,
      JSON.stringify(s.attributes), null, s.error ? 'group' : null, ++seq,
    ]);
    const t0 = performance.now();
    insertBatch(rows);
    elapsed += performance.now() - t0;
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return TOTAL / (elapsed / 1000);
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`ingest benchmark: ${fmt(TOTAL)} spans, batches of ${BATCH}, ${CLIENTS} concurrent HTTP clients, node ${process.version}`);
const hub = await benchHub();
const rawIndexed = benchRawSqlite(true);
const rawBare = benchRawSqlite(false);
console.log('');
console.log(`hub over HTTP          ${fmt(hub.rate).padStart(10)} spans/s   (${hub.seconds.toFixed(1)} s, ${fmt(hub.stored)} stored)`);
console.log(`  ack latency          p50 ${hub.p50.toFixed(1)} ms   p99 ${hub.p99.toFixed(1)} ms   (per batch of ${BATCH})`);
console.log(`  hub memory           RSS ${hub.memory.rssMb.toFixed(0)} MB at the end, peak ${hub.memory.peakMb.toFixed(0)} MB`);
console.log(`raw SQLite, same schema ${fmt(rawIndexed).padStart(9)} rows/s   (better-sqlite3, prepared insert, same indexes)`);
console.log(`raw SQLite, no indexes  ${fmt(rawBare).padStart(9)} rows/s   (reference only)`);
console.log(`hub / raw (same schema) ${((hub.rate / rawIndexed) * 100).toFixed(0)} %`);
console.log(`targets: >= 100,000 spans/s, >= 50 % of raw, RSS < 300 MB`);
