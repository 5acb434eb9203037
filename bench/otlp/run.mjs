// node bench/otlp/run.mjs [--spans 100000] [--batch 1000] [--rounds 3]
//
// The same spans sent three ways into a real hub, in interleaved rounds (a fresh hub each):
// the native JSON endpoint (POST /api/v1/spans), OTLP/HTTP JSON and OTLP/HTTP protobuf
// (POST /v1/traces). Prints spans/s and the hub's CPU time per span (from /proc, user + system,
// all threads), and OTLP protobuf as a share of the native rate (issue 15's target: >= 50 %).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeTraceRequest } from '../../packages/hub/dist/ingest/otlp/otlp-schema.js';
import { startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '100000' }, batch: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const TOTAL = Number(values.spans);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const TICK_MS = 10; // USER_HZ = 100 on Linux

function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime, all threads
}

const nanos = (ms) => String(BigInt(Math.round(ms * 1000)) * 1000n);
const attr = (key, value) =>
  typeof value === 'number' ? { key, value: Number.isInteger(value) ? { intValue: value } : { doubleValue: value } } : { key, value: { stringValue: String(value) } };

/** The records as one OTLP ExportTraceServiceRequest (OTLP/JSON shape), payloads as OpenInference input/output values. */
function toOtlp(records) {
  const byService = new Map();
  for (const r of records) {
    if (!byService.has(r.service)) byService.set(r.service, []);
    const attributes = Object.entries(r.attributes ?? {}).map(([k, v]) => attr(k, v));
    attributes.push(attr('input.value', JSON.stringify(r.input)), attr('input.mime_type', 'application/json'));
    if (r.output !== undefined) attributes.push(attr('output.value', JSON.stringify(r.output)), attr('output.mime_type', 'application/json'));
    byService.get(r.service).push({
      traceId: r.traceId,
      spanId: r.spanId,
      ...(r.parentSpanId ? { parentSpanId: r.parentSpanId } : {}),
      name: r.name,
      kind: 1,
      startTimeUnixNano: nanos(r.startTime),
      endTimeUnixNano: nanos(r.endTime),
      attributes,
      status: r.status === 'error' ? { code: 2, message: r.error?.message ?? '' } : { code: 1 },
      ...(r.error ? { events: [{ name: 'exception', timeUnixNano: nanos(r.endTime), attributes: [attr('exception.type', r.error.type), attr('exception.message', r.error.message)] }] } : {}),
    });
  }
  return {
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [attr('service.name', service)] },
      scopeSpans: [{ scope: { name: 'bench' }, spans }],
    })),
  };
}

/** Protobuf carries ids as bytes (OTLP/JSON as hex). */
function withBinaryIds(request) {
  for (const rs of request.resourceSpans) {
    for (const span of rs.scopeSpans[0].spans) {
      span.traceId = Buffer.from(span.traceId, 'hex');
      span.spanId = Buffer.from(span.spanId, 'hex');
      if (span.parentSpanId) span.parentSpanId = Buffer.from(span.parentSpanId, 'hex');
    }
  }
  return request;
}

/** Bodies prepared before the clock starts, so the figures are the hub's, not the sender's. */
function prepare(mode) {
  const bodies = [];
  for (let sent = 0; sent < TOTAL; sent += BATCH) {
    const records = makeSpans(Math.min(BATCH, TOTAL - sent));
    if (mode === 'native') bodies.push({ type: 'application/json', body: JSON.stringify({ spans: records }), count: records.length });
    else if (mode === 'otlp-json') bodies.push({ type: 'application/json', body: JSON.stringify(toOtlp(records)), count: records.length });
    else bodies.push({ type: 'application/x-protobuf', body: encodeTraceRequest(withBinaryIds(toOtlp(records))), count: records.length });
  }
  return bodies;
}

async function run(mode) {
  const bodies = prepare(mode);
  const dataDir = mkdtempSync(join(tmpdir(), `rh-bench-otlp-${mode}-`));
  const hub = await startHub(['--data', dataDir]);
  const path = mode === 'native' ? '/api/v1/spans' : '/v1/traces';
  let next = 0;
  const cpu0 = cpuMsOf(hub.proc.pid);
  const t0 = performance.now();
  const client = async () => {
    while (next < bodies.length) {
      const { type, body } = bodies[next++];
      const res = await fetch(hub.url + path, { method: 'POST', headers: { 'content-type': type }, body });
      if (res.status !== 200) throw new Error(`${mode}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all([client(), client()]);
  const seconds = (performance.now() - t0) / 1000;
  const cpuMs = cpuMsOf(hub.proc.pid) - cpu0;
  const stored = (await (await fetch(`${hub.url}/api/health`)).json()).spans;
  await stopHub(hub);
  rmSync(dataDir, { recursive: true, force: true });
  if (stored !== TOTAL) throw new Error(`${mode}: stored ${stored} of ${TOTAL}`);
  const bytes = bodies.reduce((n, b) => n + (typeof b.body === 'string' ? Buffer.byteLength(b.body) : b.body.length), 0);
  return { rate: TOTAL / seconds, cpuUsPerSpan: (cpuMs * 1000) / TOTAL, bytesPerSpan: bytes / TOTAL };
}

const MODES = ['native', 'otlp-json', 'otlp-proto'];
const results = Object.fromEntries(MODES.map((m) => [m, []]));
console.log(`bench/otlp: ${TOTAL} spans per run, batches of ${BATCH}, 2 clients, ${ROUNDS} interleaved rounds; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of MODES) {
    const r = await run(mode);
    results[mode].push(r);
    console.log(`  round ${round} ${mode.padEnd(10)} ${Math.round(r.rate).toString().padStart(7)} spans/s  ${r.cpuUsPerSpan.toFixed(1).padStart(6)} µs hub CPU/span  ${Math.round(r.bytesPerSpan)} B/span on the wire  (load ${loadavg()[0].toFixed(2)})`);
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('\nmedians:');
for (const mode of MODES) {
  console.log(`  ${mode.padEnd(10)} ${Math.round(median(results[mode].map((r) => r.rate))).toString().padStart(7)} spans/s  ${median(results[mode].map((r) => r.cpuUsPerSpan)).toFixed(1).padStart(6)} µs hub CPU/span`);
}
const share = median(results['otlp-proto'].map((r) => r.rate)) / median(results.native.map((r) => r.rate));
console.log(`OTLP protobuf rate = ${(share * 100).toFixed(0)} % of native (target >= 50 %); load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
