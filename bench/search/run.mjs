// npm run bench:search [-- --spans 1000000 --ingest 20000 --rounds 2]
//
// Full-text search (issue 11). Two figures, each next to a same-run baseline:
//  1. Ingest rate through the hub's span store (writer thread, one transaction per 1,000-span
//     batch) with the full-text index on, next to the same spans with it off, rounds interleaved
//     on/off into fresh files so load changes on the machine hit both alike.
//  2. A word search over `--spans` stored spans, over HTTP against a real hub started on that
//     data (GET /api/v1/spans?q=…, 50 newest matches), next to the same search without the index:
//     `input LIKE '%word%'` over the same file in SQLite directly.
// Spans carry LLM-like text: a user prompt and an answer of words drawn from a skewed 5,000-word
// vocabulary, plus planted words of known frequency (rare: 10 spans in a million; 1%; 40%).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SpanRecord } from '../../packages/protocol/dist/index.js';
import { encodeSpan } from '../../packages/hub/dist/ingest/encode.js';
import { ensureFullTextIndex } from '../../packages/hub/dist/store/sqlite/full-text.js';
import { SCHEMA } from '../../packages/hub/dist/store/sqlite/schema.js';
import { SpanWriter } from '../../packages/hub/dist/store/sqlite/span-writer.js';
import { SqliteSpanStore } from '../../packages/hub/dist/store/sqlite/sqlite-store.js';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    ingest: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '2' },
  },
});
const TOTAL = Number(values.spans);
const INGEST = Number(values.ingest);
const ROUNDS = Number(values.rounds);
const BATCH = 1_000;

// A deterministic generator, so every run stores the same text.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vu', 'zor', 'pe', 'qui', 'dan', 'sol', 'bri', 'neth', 'or', 'ux'];
const VOCABULARY = Array.from({ length: 5_000 }, (_, i) => {
  let word = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
  return word;
});
const words = (count) => Array.from({ length: count }, () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]).join(' ');

let counter = 0;
const hex = (length) => `1${(++counter).toString(16).padStart(length - 1, '0')}`;

function record(i, now) {
  return SpanRecord.parse(fields(i, now));
}

function fields(i, now) {
  const planted = [i % 100_000 === 7 ? 'zyzzogeton' : '', i % 100 === 3 ? 'quarterly' : '', i % 10 < 4 ? 'invoice' : ''].join(' ');
  const traceId = hex(32);
  return {
    traceId,
    spanId: hex(16),
    service: 'agent-runner',
    name: 'chat gpt-4o',
    kind: 'llm',
    startTime: now + i * 0.01,
    endTime: now + i * 0.01 + 5,
    status: i % 97 === 0 ? 'error' : 'ok',
    input: { messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: `${words(14)} ${planted}` }] },
    output: { role: 'assistant', content: words(20) },
    error: i % 97 === 0 ? { type: 'RateLimitError', message: `rate limit reached for ${words(2)}` } : null,
  };
}

function encodedBatch(from, count, now) {
  const batch = [];
  for (let i = from; i < from + count; i++) {
    const result = encodeSpan(record(i, now));
    if (!result.ok) throw new Error(result.message);
    batch.push(result.span);
  }
  return batch;
}

/**
 * Stores TOTAL spans the way the writer thread does (its SpanWriter, index on, 5,000 per
 * transaction) but on this thread and without encoding records: the store's own path runs at a
 * few hundred spans/s on a machine at load 20, which would take the better part of an hour.
 */
function fill(file, start) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(SCHEMA);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1')").run();
  ensureFullTextIndex(db, true);
  const writer = new SpanWriter(db, 0);
  for (let done = 0; done < TOTAL; done += 5_000) {
    const batch = [];
    for (let i = done; i < Math.min(TOTAL, done + 5_000); i++) {
      const span = fields(i, start);
      batch.push([
        span.spanId, span.traceId, null, span.service, span.name, span.kind, span.startTime, span.endTime, span.status, null,
        JSON.stringify(span.input), JSON.stringify(span.output), span.error ? JSON.stringify(span.error) : null,
        null, null, null, 'gpt-4o', null, null, null,
      ]);
    }
    writer.write(batch, Date.now());
    if (done % 100_000 === 0 && done > 0) console.log(`  stored ${done.toLocaleString()} spans (load ${loadavg()})`);
  }
  db.close();
}

/** Spans per second written through the store; batches are encoded beforehand (not timed). */
async function ingestRate(indexOn, batches) {
  const dir = mkdtempSync(join(tmpdir(), 'rh-bench-search-'));
  const store = new SqliteSpanStore({ file: join(dir, 'hub.sqlite'), fullTextIndex: indexOn });
  try {
    const started = performance.now();
    for (const batch of batches) await store.write(batch);
    return (batches.length * BATCH) / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

console.log(`bench:search — ${TOTAL.toLocaleString()} spans searched, ${INGEST.toLocaleString()} spans per ingest round`);
console.log(`load average at start: ${loadavg()}`);

// 1. Ingest with the index on and off, interleaved.
const now = Date.now();
const batches = [];
for (let done = 0; done < INGEST; done += BATCH) batches.push(encodedBatch(done, BATCH, now));
const rates = { on: [], off: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
    const rate = await ingestRate(on, batches);
    rates[on ? 'on' : 'off'].push(rate);
    console.log(`  round ${round + 1} index ${on ? 'on ' : 'off'}: ${Math.round(rate).toLocaleString()} spans/s (load ${loadavg()})`);
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
// The best round of each: a busy machine only ever slows a round down.
const on = Math.max(...rates.on);
const off = Math.max(...rates.off);
console.log(`ingest (best round): index on ${Math.round(on).toLocaleString()} spans/s, off ${Math.round(off).toLocaleString()} spans/s (${(((off - on) / off) * 100).toFixed(0)}% less with the index)`);

// 2. Fill a store with TOTAL spans (index on), then search it over HTTP and without the index.
const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-search-1m-'));
try {
  const fillStart = performance.now();
  fill(join(dataDir, 'hub.sqlite'), now - 3_600_000);
  console.log(`stored ${TOTAL.toLocaleString()} spans in ${((performance.now() - fillStart) / 1000).toFixed(0)} s (load ${loadavg()})`);

  const hub = await startHub(['--data', dataDir]);
  const raw = new Database(join(dataDir, 'hub.sqlite'), { readonly: true });
  const like = raw.prepare("SELECT span_id FROM spans WHERE input LIKE ? OR output LIKE ? OR error LIKE ? ORDER BY start_time DESC LIMIT 50");
  try {
    const searches = [
      ['rare word (10 spans)', 'zyzzogeton'],
      ['1% word', 'quarterly'],
      ['40% word', 'invoice'],
      ['two words', 'quarterly invoice'],
      ['word prefix', 'zyzzog*'],
    ];
    console.log(`searches (50 newest matches; median and max of 7, after one warm-up; load ${loadavg()}):`);
    for (const [label, q] of searches) {
      const times = [];
      let found = 0;
      for (let i = 0; i < 8; i++) {
        const t0 = performance.now();
        const res = await fetch(`${hub.url}/api/v1/spans?q=${encodeURIComponent(q)}&limit=50`);
        found = (await res.json()).spans.length;
        if (i > 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const t0 = performance.now();
      const pattern = `%${q.split(" ")[0].replace("*", "")}%`;
      const baseline = like.all(pattern, pattern, pattern).length;
      const likeMs = performance.now() - t0;
      const traceTimes = [];
      for (let i = 0; i < 3; i++) {
        const t1 = performance.now();
        await (await fetch(`${hub.url}/api/v1/traces?q=${encodeURIComponent(q)}&limit=50`)).json();
        traceTimes.push(performance.now() - t1);
      }
      console.log(
        `  ${label.padEnd(22)} q=${q.padEnd(18)} spans: ${found} found, median ${percentile(times, 50).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms` +
          ` | traces ${median(traceTimes).toFixed(1)} ms | no index (LIKE, ${baseline} found): ${likeMs.toFixed(0)} ms`,
      );
    }
  } finally {
    raw.close();
    await stopHub(hub);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`load average at end: ${loadavg()}`);
