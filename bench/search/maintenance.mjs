// node bench/search/maintenance.mjs [--spans 200000 --rounds 2 --only open,retention]   (after npm run build)
//
// What the full-text index costs outside search, each figure next to a same-run baseline:
//  1. Opening a database stored without the index (a hub upgraded onto an old file). The index is
//     built after start-up, in 1,000-span chunks on the writer thread: a real hub is spawned on
//     the file and timed to its first health answer, its health probed every 50 ms while the
//     index builds. Baseline: the old way, one FTS5 'rebuild' of the same file in one call (the
//     hub ran it on its main thread before answering anything).
//  2. Retention: the store deletes the oldest 90 % of the spans (pruneOlderThan, 500-span chunks
//     on the writer thread) with the index on, next to the same spans with it off; rounds
//     interleaved on/off on fresh copies; wall time and the process's CPU time.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ensureFullTextIndex } from '../../packages/hub/dist/store/sqlite/full-text.js';
import { SCHEMA } from '../../packages/hub/dist/store/sqlite/schema.js';
import { SpanWriter } from '../../packages/hub/dist/store/sqlite/span-writer.js';
import { SqliteSpanStore } from '../../packages/hub/dist/store/sqlite/sqlite-store.js';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';

const { values } = parseArgs({
  options: { spans: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '2' }, only: { type: 'string', default: 'open,retention' } },
});
const ONLY = new Set(values.only.split(','));
const TOTAL = Number(values.spans);
const ROUNDS = Number(values.rounds);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ms = (x) => `${Math.round(x).toLocaleString()} ms`;

let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const VOCABULARY = Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}x`);
const words = (n) => Array.from({ length: n }, () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]).join(' ');
const hex = (i, length) => `1${i.toString(16).padStart(length - 1, '0')}`;

/** TOTAL LLM-like spans written with the store's SpanWriter, the index on or off. */
function fill(file, indexOn, start) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('auto_vacuum = INCREMENTAL');
  db.exec(SCHEMA);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1')").run();
  ensureFullTextIndex(db, indexOn);
  const writer = new SpanWriter(db, 0);
  for (let done = 0; done < TOTAL; done += 5_000) {
    const batch = [];
    for (let i = done; i < Math.min(TOTAL, done + 5_000); i++) {
      const input = JSON.stringify({ messages: [{ role: 'user', content: words(30) }] });
      const output = JSON.stringify({ role: 'assistant', content: words(40) });
      batch.push([hex(i, 16), hex(Math.floor(i / 10), 32), null, 'agent-runner', 'chat gpt-4o', 'llm', start + i, start + i + 5, 'ok', null, input, output, null, null, null, null, 'gpt-4o', null, null, null]);
    }
    writer.write(batch, Date.now());
  }
  db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'rh-bench-fts-maint-'));
const file = (name) => join(dir, name, 'hub.sqlite');
console.log(`bench/search/maintenance — ${TOTAL.toLocaleString()} spans`);
console.log(`load average at start: ${loadavg()}`);
const start = Date.now() - 10 * 86_400_000;
for (const [name, on] of [['plain', false], ['indexed', true]]) {
  mkdirSync(join(dir, name));
  const t = performance.now();
  fill(file(name), on, start);
  console.log(`  seeded ${name} (index ${on ? 'on' : 'off'}) in ${ms(performance.now() - t)} (load ${loadavg()})`);
}
const cloneOf = (name, to) => {
  mkdirSync(join(dir, to), { recursive: true });
  copyFileSync(file(name), file(to));
  return file(to);
};

// 1. Opening a database stored without the index.
if (ONLY.has('open')) {
  console.log('\n1. Opening a database stored without the full-text index');
  const baseFile = cloneOf('plain', 'open-baseline');
  const db = new Database(baseFile);
  const t = performance.now();
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS spans_fts USING fts5(name, input, output, error, content='spans', content_rowid='id', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2')");
  db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('rebuild')");
  const rebuild = performance.now() - t;
  db.close();
  console.log(`  baseline: one FTS5 rebuild in one call        ${ms(rebuild).padStart(10)}  (the main thread was held this long before)`);

  // Same-run baseline for start-up itself: a hub on the indexed copy (nothing owed).
  cloneOf('indexed', 'open-indexed');
  const spawnedIndexed = performance.now();
  const indexedHub = await startHub(['--data', join(dir, 'open-indexed')]);
  await (await fetch(`${indexedHub.url}/api/health`)).text();
  const indexedFirst = performance.now() - spawnedIndexed;
  await stopHub(indexedHub);
  console.log(`  baseline: hub on the indexed copy → first health ${ms(indexedFirst).padStart(10)}  (process start, nothing to build)`);

  cloneOf('plain', 'open-hub');
  const spawned = performance.now();
  const hub = await startHub(['--data', join(dir, 'open-hub')]);
  const health = async () => {
    const t0 = performance.now();
    const res = await fetch(`${hub.url}/api/health`);
    await res.text();
    return performance.now() - t0;
  };
  await health();
  const firstAnswer = performance.now() - spawned;
  const probes = [];
  const built = performance.now();
  // Probe health every 50 ms until the build is done (fts_backfill holds no range any more).
  const db2 = new Database(file('open-hub'), { readonly: true });
  const pending = () => db2.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'fts_backfill'").pluck().get() === 1 && db2.prepare('SELECT count(*) FROM fts_backfill').pluck().get() === 1;
  while (pending()) {
    probes.push(await health());
    await new Promise((r) => setTimeout(r, 50));
  }
  const buildMs = performance.now() - built;
  db2.close();
  await stopHub(hub);
  probes.sort((x, y) => x - y);
  console.log(`  hub spawned on the file → first health answer  ${ms(firstAnswer).padStart(10)}`);
  console.log(`  index built after start-up (writer thread)     ${ms(buildMs).padStart(10)}  health meanwhile: ${probes.length} probes, p50 ${ms(percentile(probes, 50))}, p99 ${ms(percentile(probes, 99))}, max ${ms(probes.at(-1) ?? 0)}`);
  console.log(`  (load ${loadavg()})`);
}

// 2. Retention with the index on and off.
const cutoff = start + Math.floor(TOTAL * 0.9);
const results = { on: [], off: [] };
if (ONLY.has('retention')) console.log('\n2. Retention: the oldest 90 % deleted by the store (500-span chunks)');
for (let round = 0; ONLY.has('retention') && round < ROUNDS; round++) {
  for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
    const target = cloneOf(on ? 'indexed' : 'plain', `retention-${round}-${on}`);
    const store = new SqliteSpanStore({ file: target, fullTextIndex: on, backgroundCheckpoints: false });
    await store.fullTextIndexBuilt();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const deleted = await store.pruneOlderThan(cutoff);
    const wall = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    await store.close();
    results[on ? 'on' : 'off'].push({ wall, cpu: (cpu.user + cpu.system) / 1000 });
    console.log(`  round ${round + 1} index ${on ? 'on ' : 'off'}: ${deleted.toLocaleString()} deleted in ${ms(wall)} wall, ${ms((cpu.user + cpu.system) / 1000)} CPU (load ${loadavg()})`);
    rmSync(join(dir, `retention-${round}-${on}`), { recursive: true, force: true });
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
if (ONLY.has('retention')) console.log(`  baseline: index off   median ${ms(median(results.off.map((r) => r.wall)))} wall, ${ms(median(results.off.map((r) => r.cpu)))} CPU`);
if (ONLY.has('retention')) console.log(`  index on              median ${ms(median(results.on.map((r) => r.wall)))} wall, ${ms(median(results.on.map((r) => r.cpu)))} CPU`);
console.log(`load average at end: ${loadavg()}`);
rmSync(dir, { recursive: true, force: true });
