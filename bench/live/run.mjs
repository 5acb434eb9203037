// npm run bench:live [-- --rate 10000 --seconds 10 --batch 100]
//
// A /live subscriber measures the time from the start of a POST to the receipt of each span while
// spans flow at a steady rate. Baseline in the same run: the POST's own acknowledgement latency
// (the floor: a span cannot be broadcast before it is committed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '10' }, batch: { type: 'string', default: '100' } },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);

const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-live-'));
const hub = await startHub(['--data', dataDir]);
const socket = io(`${hub.url}/live`, { transports: ['websocket'] });
const sentAt = new Map();
const latencies = [];
const acks = [];
socket.on('spans', ({ spans }) => {
  const now = performance.now();
  for (const span of spans) {
    const t0 = sentAt.get(span.spanId);
    if (t0 !== undefined) {
      latencies.push(now - t0);
      sentAt.delete(span.spanId);
    }
  }
});
await new Promise((resolve) => socket.once('history', resolve).emit('subscribe', { filter: {} }));

// Warm up (JIT, prepared statements, first socket frames) before measuring.
for (let i = 0; i < 20; i++) {
  await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans: makeSpans(BATCH) }) });
}
await new Promise((r) => setTimeout(r, 500));

const interval = (1000 * BATCH) / RATE;
const total = RATE * SECONDS;
const started = performance.now();
const inflight = [];
for (let sent = 0, i = 0; sent < total; sent += BATCH, i++) {
  const due = started + i * interval;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const spans = makeSpans(BATCH);
  const body = JSON.stringify({ spans });
  const t0 = performance.now();
  for (const span of spans) sentAt.set(span.spanId, t0);
  inflight.push(
    fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then((res) => res.json())
      .then(() => acks.push(performance.now() - t0)),
  );
}
await Promise.all(inflight);
const achieved = total / ((performance.now() - started) / 1000);
await new Promise((r) => setTimeout(r, 500));
socket.close();
await stopHub(hub);
rmSync(dataDir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
acks.sort((a, b) => a - b);
const row = (label, xs) =>
  `${label.padEnd(28)} p50 ${percentile(xs, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(6)} ms   max ${xs[xs.length - 1].toFixed(1).padStart(6)} ms`;
console.log(`live latency: ${RATE.toLocaleString('en-US')} spans/s requested (${Math.round(achieved).toLocaleString('en-US')} achieved) for ${SECONDS} s, batches of ${BATCH}`);
console.log(row('POST start -> /live receipt', latencies));
console.log(row('baseline: POST -> ack', acks));
console.log(`received ${latencies.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} spans; target p99 < 25 ms`);
