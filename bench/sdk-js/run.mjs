// Per-call overhead of @runtime-hub/sdk's track() next to OpenTelemetry's startActiveSpan
// (@opentelemetry/sdk-trace-node), measured in the same run, each scenario in a fresh process.
//
//     npm run build && node bench/sdk-js/run.mjs [--batches 500] [--rate 5000]
//
// The tracked function is trivial (a + b), so the figures are the instrumentation's own cost.
// Per-call times are taken over batches of 100 synchronous calls. Batches are paced at --rate
// calls/s (the event loop runs between them), so background work (batching, serializing, HTTP)
// runs as in an app and every span can be delivered; the hub's span count proves it:
//
//   median / p99   per-call time as the caller sees it (median and 99th percentile of batches)
//   cpu/call       process CPU time (user + system: calls, background export, final flush)
//                  divided by the number of calls: the all-in price of one span
//   overhead       median minus the plain call's median
//   stored         spans the hub stored for the scenario (expected: every call, warm-up included)
//
// Both SDKs send to a real hub started by this script: ours to /api/v1/spans, OpenTelemetry with
// BatchSpanProcessor + the OTLP/HTTP JSON exporter to the hub's /v1/traces.
import { spawnSync } from 'node:child_process';
import { setImmediate } from 'node:timers';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub, stopHub } from '../lib/hub.mjs';

const BATCH = 100;
const SELF = fileURLToPath(import.meta.url);

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const work = (a, b) => a + b;
const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

async function setup(name, hubUrl) {
  if (name === 'plain') return { fn: work, flush: async () => {}, dropped: () => 0 };
  if (name.startsWith('sdk')) {
    const sdk = await import('@runtime-hub/sdk');
    if (name === 'sdk-disabled') sdk.configure({ enabled: false });
    else if (name === 'sdk-noop-transport') {
      sdk.configure({ service: 'bench', transport: { send: async () => ({ ok: true, status: 200, body: '{}' }) }, heartbeatIntervalMs: 60_000 });
    }
    else sdk.configure({ service: `bench-${name}`, url: name === 'sdk-hub-down' ? 'http://127.0.0.1:9' : hubUrl, heartbeatIntervalMs: 60_000 });
    return {
      fn: sdk.track(work),
      flush: () => sdk.flush(name === 'sdk-hub-down' ? 10 : 120_000),
      dropped: () => Object.values(sdk.stats().dropped).reduce((a, b) => a + b, 0),
    };
  }
  const { trace } = await import('@opentelemetry/api');
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  let exporter;
  if (name === 'otel-noop-exporter') {
    exporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  } else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter({ url: `${hubUrl}/v1/traces` });
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `bench-${name}` }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  const tracer = trace.getTracer('bench');
  const fn = (a, b) =>
    tracer.startActiveSpan('work', (span) => {
      const result = work(a, b);
      span.end();
      return result;
    });
  return { fn, flush: () => provider.forceFlush(), dropped: () => 0 };
}

export const WARMUP = 10_000;

async function scenario(name, hubUrl, batches, rate) {
  const { fn, flush, dropped } = await setup(name, hubUrl);
  const pace = async (start, done) => {
    const due = start + (done / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    else await yieldLoop();
  };
  const warm0 = performance.now();
  for (let i = 0; i < WARMUP; i += BATCH) {
    for (let j = 0; j < BATCH; j++) fn(i + j, 2);
    await pace(warm0, i + BATCH);
  }
  await flush();
  const perCall = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) fn(i, 2);
    perCall.push(((performance.now() - t0) * 1000) / BATCH);
    await pace(wall0, (b + 1) * BATCH);
  }
  await flush();
  const cpu = process.cpuUsage(cpu0);
  const calls = batches * BATCH;
  const sorted = [...perCall].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    p99: sorted[Math.floor(sorted.length * 0.99)],
    mean: perCall.reduce((a, b) => a + b, 0) / perCall.length,
    cpu: (cpu.user + cpu.system) / calls,
    dropped: dropped(),
  };
}

const LABELS = {
  plain: 'plain call (baseline)',
  'sdk-disabled': '@runtime-hub/sdk track(), disabled',
  'sdk-hub-up': '@runtime-hub/sdk track(), hub reachable',
  'sdk-hub-down': '@runtime-hub/sdk track(), hub down',
  'sdk-noop-transport': '@runtime-hub/sdk track(), no-op transport',
  'otel-hub-up': 'OTel startActiveSpan, BatchSpanProcessor, OTLP/HTTP',
  'otel-noop-exporter': 'OTel startActiveSpan, BatchSpanProcessor, no-op exporter',
};

async function storedSpans(url) {
  // The count can lag the last write by a moment; wait until it stops moving.
  let last = -1;
  for (;;) {
    const { spans } = await (await fetch(`${url}/api/health`)).json();
    if (spans === last) return spans;
    last = spans;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function main() {
  const name = arg('scenario');
  const batches = Number(arg('batches', '500'));
  const rate = Number(arg('rate', '5000'));
  if (name) {
    const result = await scenario(name, arg('hub-url'), batches, rate);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  const data = mkdtempSync(join(tmpdir(), 'bench-sdk-js-'));
  const hub = await startHub(['--data', data]);
  try {
    console.log(
      `Node ${process.versions.node}, ${cpus().length} CPUs, hub ${hub.url}, ${batches * BATCH} calls per scenario (+${WARMUP} warm-up) at ${rate} calls/s\n`,
    );
    const results = {};
    for (const scenarioName of Object.keys(LABELS)) {
      const before = await storedSpans(hub.url);
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RUNTIME_HUB_') && !k.startsWith('OTEL_')));
      const out = spawnSync(process.execPath, [SELF, '--scenario', scenarioName, '--hub-url', hub.url, '--batches', String(batches)], {
        env,
        encoding: 'utf8',
        timeout: 600_000,
      });
      if (out.status !== 0) throw new Error(`${scenarioName} failed:\n${out.stderr}`);
      results[scenarioName] = JSON.parse(out.stdout.trim().split('\n').at(-1));
      results[scenarioName].stored = (await storedSpans(hub.url)) - before;
    }
    const base = results.plain.median;
    const pad = (s, n) => String(s).padStart(n);
    console.log(`${'per call (µs)'.padEnd(58)}${pad('median', 8)}${pad('p99', 8)}${pad('mean', 8)}${pad('cpu/call', 10)}${pad('overhead', 10)}${pad('stored', 9)}  dropped`);
    for (const [key, label] of Object.entries(LABELS)) {
      const r = results[key];
      const overhead = key === 'plain' ? 0 : r.median - base;
      console.log(
        `${label.padEnd(58)}${pad(r.median.toFixed(3), 8)}${pad(r.p99.toFixed(3), 8)}${pad(r.mean.toFixed(3), 8)}${pad(r.cpu.toFixed(3), 10)}${pad(overhead.toFixed(3), 10)}${pad(r.stored, 9)}  ${r.dropped}`,
      );
    }
    const ours = results['sdk-hub-up'].median - base;
    const otel = results['otel-hub-up'].median - base;
    const extra = (key) => results[key].cpu - results.plain.cpu;
    console.log(`\ntrack() overhead / startActiveSpan overhead, caller median, hub reachable: ${(ours / otel).toFixed(2)}  (target ≤ 0.33)`);
    console.log(`all-in CPU per call over plain, hub reachable:  track() ${extra('sdk-hub-up').toFixed(2)} µs, startActiveSpan + OTLP ${extra('otel-hub-up').toFixed(2)} µs`);
    console.log(`all-in CPU per call over plain, no-op export:   track() ${extra('sdk-noop-transport').toFixed(2)} µs, startActiveSpan ${extra('otel-noop-exporter').toFixed(2)} µs`);
  } finally {
    await stopHub(hub);
    rmSync(data, { recursive: true, force: true });
  }
}

await main();
