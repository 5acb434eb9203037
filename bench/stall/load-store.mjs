// Fills a hub data folder with a million spans the way the hub stores them (its own schema and
// SpanWriter from the build), much faster than over HTTP: one trace of 100,000 spans, the rest in
// traces of 10 spans spread over 20,000 sessions; the oldest share started 60 days ago (what the
// retention operation deletes), the rest in the last hour.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA } from '../../packages/hub/dist/store/sqlite/schema.js';
import { SpanWriter } from '../../packages/hub/dist/store/sqlite/span-writer.js';

const DAY = 86_400_000;
const FUNCTIONS = ['handle_request', 'load_user', 'query_db', 'render_template', 'call_api', 'parse_payload', 'score_items'];
const SERVICES = ['checkout-api', 'search-worker', 'billing', 'agent-runner'];
// Unique ids without a random draw per span: a random prefix per run, then a counter.
const prefix = randomBytes(4).toString('hex');
let counter = 0;
const hex = (bytes) => `${prefix}${(counter++).toString(16).padStart(bytes * 2 - 8, '0')}`;

function payload(i) {
  return JSON.stringify({ args: [i, 'text'], kwargs: { user: 'u-1234', items: [{ id: i, sku: `SKU-${(i * 7919) % 100000}`, qty: (i % 5) + 1, price: 9.99 + (i % 50) }] } });
}

/** [spanId, traceId, parentSpanId, service, name, kind, start, end, status, sessionId, input, output, error, attributes, events, errorGroup, model, inTok, outTok, cost] */
function values(traceId, spanId, parentSpanId, i, start, sessionId) {
  const failed = i % 97 === 0;
  return [
    spanId, traceId, parentSpanId, SERVICES[(i / 10 | 0) % SERVICES.length], FUNCTIONS[i % FUNCTIONS.length], 'function',
    start, start + (i % 50) + 0.5, failed ? 'error' : 'ok', sessionId,
    payload(i), failed ? null : JSON.stringify({ result: [i, i + 1] }),
    failed ? JSON.stringify({ type: 'ValueError', message: 'quantity must be positive', frames: [{ file: 'app/cart.py', line: 42, function: 'add_item' }] }) : null,
    JSON.stringify({ 'code.filepath': 'app/cart.py', 'code.lineno': 42 }), null, failed ? 'a1b2c3d4e5f60718' : null, null, null, null, null,
  ];
}

/**
 * @returns {{ bigTraceId: string, total: number, old: number }}
 */
export function loadStore(dataDir, { total, traceSpans, oldShare, now = Date.now(), log = () => {} }) {
  const db = new Database(join(dataDir, 'hub.sqlite'));
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // Indexes are built once at the end: much faster than keeping them current row by row.
  db.exec(SCHEMA.replace(/CREATE INDEX[^;]+;/g, ''));
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', '1');
  const writer = new SpanWriter(db, 0);
  const BATCH = 5_000;
  const bigTraceId = hex(16);
  const bigRoot = hex(8);
  const recentStart = now - 3_600_000;
  for (let done = 0; done < traceSpans; done += BATCH) {
    const batch = [];
    for (let i = done; i < Math.min(traceSpans, done + BATCH); i++) {
      batch.push(values(bigTraceId, i === 0 ? bigRoot : hex(8), i === 0 ? null : bigRoot, i, recentStart + i * 0.01, 'big-trace-session'));
    }
    writer.write(batch, now);
  }
  const rest = total - traceSpans;
  const old = Math.round(rest * oldShare);
  let traceId = '';
  let root = '';
  let session = '';
  for (let done = 0; done < rest; done += BATCH) {
    const batch = [];
    for (let i = done; i < Math.min(rest, done + BATCH); i++) {
      if (i % 10 === 0) {
        traceId = hex(16);
        root = hex(8);
        session = `session-${(i / 10) % 20_000}`;
      }
      const start = i < old ? now - 60 * DAY + i : recentStart + (i - old) * 0.02;
      batch.push(values(traceId, i % 10 === 0 ? root : hex(8), i % 10 === 0 ? null : root, i, start, session));
    }
    writer.write(batch, now);
    if ((done / BATCH) % 40 === 0) log(`  loaded ${traceSpans + done + batch.length} spans`);
  }
  log('  building indexes');
  db.exec(SCHEMA);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { bigTraceId, total, old };
}
