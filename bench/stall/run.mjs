// npm run bench:stall [-- --spans 1000000 --trace 100000 --only trace,sessions]
//
// Can one request, subscription or maintenance job freeze the hub? A hub holding ~1,000,000 spans
// (one trace of 100,000) runs each heavy operation in turn while a probe in its own process sends
// GET /api/health and a one-span POST every 50 ms and times each reply. Printed per operation: the
// probe's p50 / p99 / max next to the same probe on the same hub idle, in the same run, with the
// hub's peak memory and the load average. Target: p99 < 50 ms and max < 250 ms throughout.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { memoryOf, percentile, startHub, stopHub } from '../lib/hub.mjs';
import { loadStore } from './load-store.mjs';
import { otlpProtobufBody } from './otlp-body.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    trace: { type: 'string', default: '100000' },
    only: { type: 'string' },
    idle: { type: 'string', default: '10' },
  },
});
const TOTAL = Number(values.spans);
const TRACE = Number(values.trace);
const ONLY = values.only ? new Set(values.only.split(',')) : undefined;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const log = (line) => process.stderr.write(`${line}\n`);

/** Reads a reply to its end without keeping it; answers status and size. */
async function drain(res) {
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  return { status: res.status, bytes };
}
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-stall-'));
log(`loading ${TOTAL.toLocaleString('en-US')} spans (one trace of ${TRACE.toLocaleString('en-US')}) into ${dataDir}`);
const t0 = performance.now();
const data = loadStore(dataDir, { total: TOTAL, traceSpans: TRACE, oldShare: 0.85, log });
log(`loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${data.old.toLocaleString('en-US')} spans are 60 days old`);

let hub = await startHub(['--data', dataDir]);
const probe = fork(fileURLToPath(new URL('./probe.mjs', import.meta.url)));
probe.send({ url: hub.url });

/** Samples the hub's resident memory while an operation runs. */
function watchMemory() {
  let peak = memoryOf(hub.proc.pid).rssMb;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memoryOf(hub.proc.pid).rssMb);
    } catch {
      /* the hub is restarting */
    }
  }, 50);
  return () => (clearInterval(timer), peak);
}

/** The loop of docs/workflows.md: each item doubled, the results collected by the loop's `done`. */
const LOOP_WORKFLOW = {
  id: 'each',
  name: 'Each',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/each' },
  trigger: { type: 'webhook' },
  settings: { responseTimeoutMs: 300_000 },
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'loop', type: 'loop', config: { items: '{{ trigger.body.items }}' } },
    { id: 'double', type: 'set', config: { fields: { n: '{{ loop.item * 2 }}' } } },
    { id: 'out', type: 'set', config: { fields: { count: '{{ input | length }}' } } },
  ],
  edges: [
    { source: 'start', target: 'loop' },
    { source: 'loop', sourceOutput: 'item', target: 'double' },
    { source: 'double', target: 'loop' },
    { source: 'loop', sourceOutput: 'done', target: 'out' },
  ],
};

const OPERATIONS = [
  ['idle', 'the hub doing nothing else (baseline)', async () => (await sleep(Number(values.idle) * 1000), '')],
  ['trace', `GET /api/v1/traces/<id>, ${TRACE.toLocaleString('en-US')} spans`, async () => {
    const r = await drain(await fetch(`${hub.url}/api/v1/traces/${data.bigTraceId}`));
    return `${r.status}, ${mb(r.bytes)}`;
  }],
  ['trace-x2', 'the same trace, two at once', async () => {
    const rs = await Promise.all([1, 2].map(async () => drain(await fetch(`${hub.url}/api/v1/traces/${data.bigTraceId}`))));
    return rs.map((r) => `${r.status}, ${mb(r.bytes)}`).join('; ');
  }],
  ['outline', 'GET /api/v1/traces/<id>/outline', async () => {
    const r = await drain(await fetch(`${hub.url}/api/v1/traces/${data.bigTraceId}/outline`));
    return `${r.status}, ${mb(r.bytes)}`;
  }],
  ['export', 'GET /api/v1/export?traceId=<id>', async () => {
    const r = await drain(await fetch(`${hub.url}/api/v1/export?traceId=${data.bigTraceId}`));
    return `${r.status}, ${mb(r.bytes)}`;
  }],
  ['sessions', 'GET /api/v1/sessions', async () => {
    const r = await drain(await fetch(`${hub.url}/api/v1/sessions?limit=100`));
    return `${r.status}, ${mb(r.bytes)}`;
  }],
  ['search', 'GET /api/v1/spans?q=<nothing matches> and /traces?q=', async () => {
    const a = await drain(await fetch(`${hub.url}/api/v1/spans?q=matches-nothing`));
    const b = await drain(await fetch(`${hub.url}/api/v1/traces?q=matches-nothing`));
    return `${a.status}, ${b.status}`;
  }],
  ['live', '20 sockets subscribe with after: 0', async () => {
    const counts = await Promise.all(Array.from({ length: 20 }, () => new Promise((resolve, reject) => {
      const socket = io(`${hub.url}/live`, { transports: ['websocket'], reconnection: false });
      let received = 0;
      let capped = false;
      socket.on('connect', () => socket.emit('subscribe', { filter: {}, after: 0 }));
      socket.on('history', (batch) => {
        received += batch.spans.length;
        if (batch.capped) capped = true;
        if (batch.done) {
          socket.close();
          resolve({ received, capped });
        }
      });
      socket.on('connect_error', reject);
    })));
    return `${counts.reduce((n, c) => n + c.received, 0).toLocaleString('en-US')} spans replayed in all, ${counts.filter((c) => c.capped).length} capped`;
  }],
  ['rejects', 'POST 300 KB of empty span records', async () => {
    const body = JSON.stringify({ spans: Array.from({ length: 100_000 }, () => ({})) });
    const r = await drain(await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    return `${mb(body.length)} sent, ${r.status}, reply ${(r.bytes / 1e3).toFixed(1)} KB`;
  }],
  ['otlp', 'POST /v1/traces, 5 MB of protobuf', async () => {
    const body = await otlpProtobufBody(5e6);
    const r = await drain(await fetch(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body }));
    return `${mb(body.length)} sent, ${r.status}`;
  }],
  ['loop', 'a public workflow whose loop node goes over 20,000 items', async () => {
    const post = (path, body) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await drain(await post('/api/v1/projects', { id: 'stall', name: 'Stall' }));
    await drain(await post('/api/v1/projects/stall/workflows', LOOP_WORKFLOW));
    const started = nowMs();
    const res = await post('/w/stall/each', { items: Array.from({ length: 20_000 }, (_, i) => i) });
    const answer = await res.json();
    return { start: started, note: `${res.status}, ${JSON.stringify(answer).slice(0, 60)}` };
  }],
  ['retention', `restart with --retention-days 30: delete ${data.old.toLocaleString('en-US')} spans`, async () => {
    probe.send({ pause: true });
    await sleep(500);
    await stopHub(hub);
    hub = await startHub(['--data', dataDir, '--retention-days', '30']);
    // Measured from the new hub's first answer (retention starts as it listens; the first
    // requests to a cold process are slow for reasons of their own).
    const { spans: before } = await (await fetch(`${hub.url}/api/health`)).json();
    probe.send({ url: hub.url });
    const start = nowMs();
    const cutoff = Date.now() - 30 * 86_400_000;
    for (;;) {
      await sleep(200);
      const { spans: left } = await (await fetch(`${hub.url}/api/v1/spans?to=${cutoff}&limit=1`)).json();
      if (left.length > 0) continue;
      const { spans } = await (await fetch(`${hub.url}/api/health`)).json();
      return { start, note: `${(before - spans).toLocaleString('en-US')} deleted` };
    }
  }],
];

const results = [];
for (const [name, what, run] of OPERATIONS) {
  if (ONLY && name !== 'idle' && !ONLY.has(name)) continue;
  await sleep(1000); // let the previous operation's tail settle
  log(`${name}: ${what}`);
  const peakOf = watchMemory();
  const start = nowMs();
  const outcome = await run();
  const end = nowMs();
  const { note, start: from = start } = typeof outcome === 'string' ? { note: outcome } : outcome;
  results.push({ name, what, start: from, end, seconds: (end - from) / 1000, note, peakMb: peakOf(), load: loadavg() });
}
await sleep(300);
const samples = await new Promise((resolve) => {
  probe.once('message', (m) => resolve(m.samples));
  probe.send('stop');
});
await stopHub(hub);
rmSync(dataDir, { recursive: true, force: true });

const stats = (from, to, kind) => {
  const xs = samples.filter(([t, k]) => t >= from && t <= to && k === kind).map(([, , ms]) => ms).sort((a, b) => a - b);
  const failed = samples.filter(([t, k]) => t >= from && t <= to && k === `${kind}-failed`).length;
  return { n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), max: xs.at(-1) ?? NaN, failed };
};
const f = (x) => (Number.isFinite(x) ? x.toFixed(1).padStart(7) : '    n/a');
console.log(`stall benchmark: ${TOTAL.toLocaleString('en-US')} spans stored, probe every 50 ms (GET /api/health and a one-span POST), node ${process.version}`);
console.log('');
console.log('operation     secs  | health ms  p50     p99     max | ingest ms  p50     p99     max | hub RSS peak | load avg        | result');
for (const r of results) {
  const h = stats(r.start, r.end, 'health');
  const i = stats(r.start, r.end, 'ingest');
  const fails = h.failed + i.failed ? ` (${h.failed + i.failed} probe errors)` : '';
  console.log(
    `${r.name.padEnd(10)} ${r.seconds.toFixed(1).padStart(6)}  |        ${f(h.p50)} ${f(h.p99)} ${f(h.max)} |        ${f(i.p50)} ${f(i.p99)} ${f(i.max)} | ${r.peakMb.toFixed(0).padStart(7)} MB   | ${r.load.padEnd(15)} | ${r.note}${fails}`,
  );
}
console.log('');
for (const r of results) console.log(`  ${r.name.padEnd(10)} ${r.what}`);
console.log('target: probe p99 < 50 ms and max < 250 ms during every operation');
