// npm run bench:live [-- --rate 10000 --seconds 10 --batch 100]
//
// A /live subscriber measures the time from the start of a POST to the receipt of each span while
// spans flow at a steady rate. The producer is a separate process, so neither side's event loop
// delays the other; both read the same system-wide monotonic clock (process.hrtime). Live spans
// carry no payloads, so the send time does not travel with the span: the producer records it per
// spanId and hands the map over IPC at the end, the subscriber records each span's receipt time,
// and the two are joined afterwards. Baseline in the same run: the POST's own acknowledgement
// latency (the floor: a span is broadcast only after it is committed).
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '100' },
    producer: { type: 'string' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

if (values.producer) await produce(values.producer);
else await measure();

/**
 * CPU time of the hub's main thread (its tid is the pid), ms, from Linux clock ticks of 10 ms:
 * the work ingest and broadcast cost the event loop, which moves far less with the machine's load
 * than latency does.
 */
function mainThreadCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function post(url, spans) {
  const res = await fetch(`${url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans }) });
  await res.json();
  return res.status;
}

async function produce(url) {
  // Warm up (JIT, prepared statements, first socket frames) before measuring.
  for (let i = 0; i < 20; i++) await post(url, makeSpans(BATCH).map((s) => ({ ...s, service: 'warm-up' })));
  await new Promise((r) => setTimeout(r, 500));
  const acks = [];
  const sentAt = [];
  // Batches the hub refused (429 INGEST_BUSY when its writer falls behind): stored nowhere, so
  // not expected on the live channel either.
  let refused = 0;
  const interval = (1000 * BATCH) / RATE;
  const total = RATE * SECONDS;
  const started = performance.now();
  const inflight = [];
  for (let sent = 0, i = 0; sent < total; sent += BATCH, i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const spans = makeSpans(BATCH);
    const t0 = nowMs();
    inflight.push(
      post(url, spans).then((status) => {
        acks.push(nowMs() - t0);
        if (status === 200) for (const span of spans) sentAt.push([span.spanId, t0]);
        else refused += spans.length;
      }),
    );
  }
  await Promise.all(inflight);
  process.send({ acks, sentAt, refused, achieved: total / ((performance.now() - started) / 1000) });
}

async function measure() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-live-'));
  const hub = await startHub(['--data', dataDir]);
  const socket = io(`${hub.url}/live`, { transports: ['websocket'] });
  // Receipt time per spanId; a span received twice is counted, so the run also checks exactly-once.
  const receivedAt = new Map();
  let duplicates = 0;
  socket.on('spans', ({ spans }) => {
    const now = nowMs();
    for (const span of spans) {
      if (receivedAt.has(span.spanId)) duplicates++;
      else receivedAt.set(span.spanId, now);
    }
  });
  const loadBefore = loadavg();
  const cpuBefore = mainThreadCpuMs(hub.proc.pid);
  await new Promise((resolve) => socket.once('history', resolve).emit('subscribe', { filter: {} }));

  const producer = fork(new URL(import.meta.url).pathname, ['--producer', hub.url, '--rate', String(RATE), '--seconds', String(SECONDS), '--batch', String(BATCH)]);
  const { acks, sentAt, refused, achieved } = await new Promise((resolve) => producer.once('message', resolve));
  await new Promise((r) => setTimeout(r, 500));
  // Includes the producer's warm-up batches (2,000 spans), which are also ingested and broadcast.
  const cpuMs = mainThreadCpuMs(hub.proc.pid) - cpuBefore;
  socket.close();
  await stopHub(hub);
  rmSync(dataDir, { recursive: true, force: true });

  const loadAfter = loadavg();
  const latencies = [];
  let missing = 0;
  for (const [spanId, t0] of sentAt) {
    const at = receivedAt.get(spanId);
    if (at === undefined) missing++;
    else latencies.push(at - t0);
  }
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const row = (label, xs) =>
    `${label.padEnd(28)} p50 ${percentile(xs, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(6)} ms   max ${xs[xs.length - 1].toFixed(1).padStart(6)} ms`;
  console.log(`live latency: ${RATE.toLocaleString('en-US')} spans/s requested (${Math.round(achieved).toLocaleString('en-US')} achieved) for ${SECONDS} s, batches of ${BATCH}`);
  console.log(row('POST start -> /live receipt', latencies));
  console.log(row('baseline: POST -> ack', acks));
  console.log(`received ${latencies.length.toLocaleString('en-US')} of ${sentAt.length.toLocaleString('en-US')} stored spans (${missing} missing, ${duplicates} duplicates; ${refused} refused with 429); target p99 < 25 ms`);
  console.log(`hub main thread: ${((cpuMs * 1000) / receivedAt.size).toFixed(1)} µs CPU per span received (${(cpuMs / 1000).toFixed(1)} s for ${receivedAt.size.toLocaleString('en-US')})`);
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`load average: ${load(loadBefore)} before, ${load(loadAfter)} after`);
}
