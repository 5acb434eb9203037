// node bench/scaled/live.mjs [-- --rate 2000 --seconds 10 --batch 50]
//
// Live delivery across replicas (scaled mode: two hubs on one PostgreSQL, `--redis` joining their
// Socket.IO servers): a producer process posts spans to hub B at a steady rate; one /live
// subscriber sits on hub A (across replicas: the span reaches A through the database change feed)
// and one on hub B (the same hub: the same-run baseline), and each measures the time from the
// start of the POST to the receipt of every span. Both processes read the same monotonic clock
// (process.hrtime) and each span carries its send time. PostgreSQL and Redis are started here in
// temporary folders (packages/hub/dist/testing/). Prints the load average: the machine is shared.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { startPostgres } from '../../packages/hub/dist/testing/postgres-server.js';
import { startRedisServer } from '../../packages/hub/dist/testing/redis-server.js';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '50' },
    producer: { type: 'string' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

if (values.producer) await produce(values.producer);
else await measure();

async function post(url, spans) {
  const res = await fetch(`${url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans }) });
  await res.json();
}

async function produce(url) {
  for (let i = 0; i < 10; i++) await post(url, makeSpans(BATCH).map((s) => ({ ...s, service: 'warm-up' })));
  await new Promise((r) => setTimeout(r, 500));
  const interval = (1000 * BATCH) / RATE;
  const total = RATE * SECONDS;
  const started = performance.now();
  const inflight = [];
  // Live spans carry no payloads: the send time per spanId goes to the parent at the end.
  const sentAt = [];
  for (let sent = 0, i = 0; sent < total; sent += BATCH, i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const spans = makeSpans(BATCH);
    const t0 = nowMs();
    for (const span of spans) sentAt.push([span.spanId, t0]);
    inflight.push(post(url, spans));
  }
  await Promise.all(inflight);
  process.send({ sentAt, achieved: total / ((performance.now() - started) / 1000) });
}

function subscriber(url) {
  const socket = io(`${url}/live`, { transports: ['websocket'] });
  const receivedAt = new Map();
  let duplicates = 0;
  socket.on('spans', ({ spans }) => {
    const now = nowMs();
    for (const span of spans) {
      if (receivedAt.has(span.spanId)) duplicates++;
      else receivedAt.set(span.spanId, now);
    }
  });
  const ready = new Promise((resolve) => socket.once('history', resolve).emit('subscribe', { filter: {} }));
  /** Receipt minus send time of each span the producer sent (joined by spanId). */
  const latencies = (sentAt) => sentAt.flatMap(([spanId, t0]) => (receivedAt.has(spanId) ? [receivedAt.get(spanId) - t0] : []));
  return { socket, latencies, ready, duplicates: () => duplicates };
}

async function measure() {
  const [pg, redis] = await Promise.all([startPostgres(), startRedisServer()]);
  const db = await pg.createDatabase();
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'rh-bench-slive-')));
  const hubs = [];
  try {
    for (const dir of dirs) hubs.push(await startHub(['--data', dir, '--db', db, '--redis', redis.url]));
    const [a, b] = hubs;
    const across = subscriber(a.url);
    const same = subscriber(b.url);
    await Promise.all([across.ready, same.ready]);
    const producer = fork(new URL(import.meta.url).pathname, ['--producer', b.url, '--rate', String(RATE), '--seconds', String(SECONDS), '--batch', String(BATCH)]);
    const { sentAt, achieved } = await new Promise((resolve) => producer.once('message', resolve));
    await new Promise((r) => setTimeout(r, 2000));
    across.socket.close();
    same.socket.close();
    const row = (label, xs) => {
      xs.sort((x, y) => x - y);
      return `${label.padEnd(40)} p50 ${percentile(xs, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(7)} ms   (${xs.length.toLocaleString('en-US')} spans)`;
    };
    console.log(`live delivery across replicas: ${RATE.toLocaleString('en-US')} spans/s requested (${Math.round(achieved).toLocaleString('en-US')} achieved) for ${SECONDS} s, batches of ${BATCH}`);
    console.log(row('across replicas: POST to B -> /live on A', across.latencies(sentAt)));
    console.log(row('baseline, same hub: POST to B -> /live on B', same.latencies(sentAt)));
    console.log(`duplicates: ${across.duplicates()} across, ${same.duplicates()} same hub; load ${load()}`);
  } finally {
    for (const hub of hubs) await stopHub(hub);
    await redis.close();
    await pg.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
