// node bench/search/fts-delete.mjs [--spans 60000 --rounds 2]
//
// Why retention is slower with the full-text index on, in SQLite directly (one thread, so CPU time
// is the figure that survives a loaded machine): the oldest 90 % of the spans deleted in chunks,
// one transaction each, with
//   - no index (the baseline),
//   - the index kept by the hub's per-row trigger (FTS5 'delete' with the old text), chunks of
//     500 (the store's), 2,000 and 5,000 spans,
//   - a contentless FTS5 table with contentless_delete=1 (delete by rowid, no old text needed).
// Texts: a prompt of 30 and an answer of 40 words from a skewed 3,000-word vocabulary.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '60000' }, rounds: { type: 'string', default: '2' } } });
const N = Number(values.spans);
const ROUNDS = Number(values.rounds);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const COLUMNS = "name, input, output, error, detail=none, tokenize='unicode61 remove_diacritics 2'";
const MODES = {
  'no index': { table: null },
  'trigger, 500-span chunks': { chunk: 500, table: `content='spans', content_rowid='id', columnsize=0`, trigger: "INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error)" },
  'trigger, 2,000-span chunks': { chunk: 2000, table: `content='spans', content_rowid='id', columnsize=0`, trigger: "INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error)" },
  'trigger, 5,000-span chunks': { chunk: 5000, table: `content='spans', content_rowid='id', columnsize=0`, trigger: "INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error)" },
  'contentless_delete=1': { table: "content='', contentless_delete=1", trigger: 'DELETE FROM spans_fts WHERE rowid = old.id' },
};

function once(mode) {
  const { table, trigger, chunk = 500 } = MODES[mode];
  const dir = mkdtempSync(join(tmpdir(), 'rh-bench-fts-delete-'));
  const db = new Database(join(dir, 'x.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE spans (id INTEGER PRIMARY KEY, start_time REAL, name TEXT, input TEXT, output TEXT, error TEXT); CREATE INDEX spans_start ON spans (start_time)');
  if (table) db.exec(`CREATE VIRTUAL TABLE spans_fts USING fts5(${COLUMNS}, ${table}); CREATE TRIGGER d AFTER DELETE ON spans BEGIN ${trigger}; END;`);
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const vocabulary = Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}x`);
  const words = (n) => Array.from({ length: n }, () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]).join(' ');
  const insert = db.prepare('INSERT INTO spans (id, start_time, name, input, output, error) VALUES (?, ?, ?, ?, ?, NULL)');
  for (let from = 0; from < N; from += 1000) {
    db.transaction(() => {
      for (let i = from; i < from + 1000; i++) insert.run(i + 1, i, `chat ${i % 50}`, JSON.stringify({ messages: [{ role: 'user', content: words(30) }] }), JSON.stringify({ content: words(40) }));
      if (table) db.exec(`INSERT INTO spans_fts (rowid, name, input, output, error) SELECT id, name, input, output, error FROM spans WHERE id > ${from} AND id <= ${from + 1000}`);
    })();
  }
  const remove = db.prepare('DELETE FROM spans WHERE id IN (SELECT id FROM spans WHERE start_time < ? ORDER BY start_time LIMIT ?)');
  const cpu = process.cpuUsage();
  const started = performance.now();
  let deleted = 0;
  for (;;) {
    const n = db.transaction(() => remove.run(N * 0.9, chunk).changes)();
    deleted += n;
    if (n < chunk) break;
  }
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { deleted, cpu: (used.user + used.system) / 1000, wall };
}

console.log(`bench/search/fts-delete — ${N.toLocaleString()} spans, the oldest 90 % deleted; load average at start: ${loadavg()}`);
const results = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? Object.keys(MODES) : Object.keys(MODES).reverse();
  for (const mode of order) {
    const r = once(mode);
    results[mode].push(r);
    console.log(`  round ${round + 1} ${mode.padEnd(28)} ${r.deleted.toLocaleString()} deleted: ${Math.round(r.cpu).toLocaleString().padStart(6)} ms CPU, ${Math.round(r.wall).toLocaleString().padStart(6)} ms wall (load ${loadavg()})`);
  }
}
const min = (xs) => Math.round(Math.min(...xs)).toLocaleString();
console.log('best of rounds (CPU ms):');
for (const mode of Object.keys(MODES)) console.log(`  ${mode.padEnd(28)} ${min(results[mode].map((r) => r.cpu)).padStart(6)} ms CPU`);
console.log(`load average at end: ${loadavg()}`);
