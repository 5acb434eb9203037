#!/usr/bin/env node
/* global window, document, requestAnimationFrame, PerformanceObserver -- code passed to page.evaluate runs in the browser */
// Dashboard benchmark (DESIGN.md §6): first load with 1,000,000 spans stored, a 60 s live feed at
// 5,000 spans/s (long tasks, frames, JS heap), and a 100,000-span trace (open time, waterfall
// scrolling). Prints figures next to baselines measured in the same run. Not a test.
//
//   npm run build && node bench/web/run.mjs [--spans 1000000] [--trace-spans 100000]
//        [--live-rate 5000] [--live-seconds 60] [--loads 5] [--data DIR] [--keep]
//        [--only load,trace,live]
//
// With --data DIR the seeded database is kept in DIR/seed and copied to DIR/run for each run, so
// runs start from the same 1,000,000 spans (seeding takes a while on a small machine) and the
// live phase's spans do not pile up.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { chromium } from 'playwright-core';
import { bigTrace, smallTrace } from './spans.mjs';

const { values: opts } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    'trace-spans': { type: 'string', default: '100000' },
    'live-rate': { type: 'string', default: '5000' },
    'live-seconds': { type: 'string', default: '60' },
    loads: { type: 'string', default: '7' },
    data: { type: 'string' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string', default: 'load,trace,live' },
  },
});
const TOTAL = Number(opts.spans);
const TRACE_SPANS = Number(opts['trace-spans']);
const LIVE_RATE = Number(opts['live-rate']);
const LIVE_SECONDS = Number(opts['live-seconds']);
const LOADS = Number(opts.loads);
const PHASES = new Set(opts.only.split(','));
const CLI = fileURLToPath(new URL('../../packages/hub/dist/cli/main.js', import.meta.url));
const WEB_DIST = fileURLToPath(new URL('../../packages/web/dist/index.html', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ms = (n) => `${n.toFixed(0)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const line = (label, value, note = '') => console.log(`  ${label.padEnd(44)} ${String(value).padStart(14)}  ${note}`);

function startHub(dataDir, port = 0) {
  const child = spawn(process.execPath, [CLI, 'start', '--port', String(port), '--data', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}: ${out}`)));
  });
}

async function post(url, spans) {
  const res = await fetch(`${url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans }) });
  const body = await res.json();
  if (!res.ok || body.rejected.length) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
}

/** Seeds TOTAL spans through the hub's own ingest API: one big trace, the rest small traces. */
async function seed(url) {
  const started = performance.now();
  const BATCH = 5000;
  let bigTraceId = '';
  let sent = 0;
  const inflight = new Set();
  const send = async (spans) => {
    const p = post(url, spans).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 2) await Promise.race(inflight);
    sent += spans.length;
    if (process.stdout.isTTY && sent % 100_000 < spans.length) process.stdout.write(`\r  seeding… ${sent.toLocaleString()} spans`);
  };
  const base = Date.now() - 2 * 3600_000;
  for (const { traceId, spans } of bigTrace(TRACE_SPANS, base, BATCH)) {
    bigTraceId = traceId;
    await send(spans);
  }
  let batch = [];
  for (let i = 0; sent + batch.length < TOTAL; i++) {
    const size = Math.min(10, TOTAL - sent - batch.length);
    batch.push(...smallTrace(size, base + 60_000 + i * 70, i));
    if (batch.length >= BATCH) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length) await send(batch);
  await Promise.all(inflight);
  const seconds = (performance.now() - started) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\r');
  return { bigTraceId, seconds };
}

async function longTaskProbe(page) {
  await page.addInitScript(() => {
    window.__bench = { longTasks: [], frames: 0, maxFrameGap: 0, slowFrames: 0 };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    let last = performance.now();
    const frame = (t) => {
      const gap = t - last;
      last = t;
      window.__bench.frames++;
      if (gap > window.__bench.maxFrameGap) window.__bench.maxFrameGap = gap;
      if (gap > 50) window.__bench.slowFrames++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

const resetProbe = (page) =>
  page.evaluate(() => Object.assign(window.__bench, { longTasks: [], frames: 0, maxFrameGap: 0, slowFrames: 0 }));

async function heap(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const used = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const before = await used();
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await used();
  await cdp.detach();
  return { before, after };
}

async function main() {
  if (!existsSync(CLI) || !existsSync(WEB_DIST)) throw new Error('build first: npm run build');
  const root = opts.data ?? mkdtempSync(join(tmpdir(), 'rh-bench-web-'));
  const seedDir = opts.data ? join(root, 'seed') : root;
  const marker = join(seedDir, 'bench-seed.json');
  const seedKey = `${TOTAL}/${TRACE_SPANS}`;
  const cached = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : null;

  console.log(`runtime-hub dashboard benchmark — ${new Date().toISOString()}, ${process.platform}, node ${process.version}, ${CHROMIUM}`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 shared cores: figures vary with other work)`);
  let bigTraceId;
  console.log(`\nSeed: ${TOTAL.toLocaleString()} spans (one trace of ${TRACE_SPANS.toLocaleString()}, the rest in traces of 10) via POST /api/v1/spans`);
  if (cached?.key === seedKey) {
    bigTraceId = cached.bigTraceId;
    line('seeded', 'reused', seedDir);
  } else {
    rmSync(seedDir, { recursive: true, force: true });
    mkdirSync(seedDir, { recursive: true });
    const seeding = await startHub(seedDir);
    const s = await seed(seeding.url);
    bigTraceId = s.bigTraceId;
    await seeding.stop();
    writeFileSync(marker, JSON.stringify({ key: seedKey, bigTraceId }));
    line('seed time', `${s.seconds.toFixed(1)} s`, `${Math.round(TOTAL / s.seconds).toLocaleString()} spans/s through the hub`);
  }
  let dataDir = seedDir;
  if (opts.data) {
    dataDir = join(root, 'run');
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(seedDir, dataDir, { recursive: true });
  }
  // Measured against a freshly started hub, as a user opening the dashboard would meet it.
  const hub = await startHub(dataDir);
  await new Promise((r) => setTimeout(r, 3000)); // let the copy's writeback and the hub's start settle
  const health = await (await fetch(`${hub.url}/api/health`)).json();
  line('spans stored', health.spans.toLocaleString());

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const viewport = { width: 1440, height: 900 };
  try {
    // 1. First load.
    if (PHASES.has('load')) {
    console.log(`\n1. First load to interactive (${LOADS} cold loads, each in a new browser context, after one uncounted)`);
    const loads = [];
    const baselines = [];
    for (let i = -1; i < LOADS; i++) {
      const ctx = await browser.newContext({ viewport });
      const page = await ctx.newPage();
      await longTaskProbe(page);
      await page.goto(`${hub.url}/api/health`);
      baselines.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
      await page.goto(`${hub.url}/`);
      await page.waitForFunction(() => performance.getEntriesByName('rh:feed-ready').length > 0, null, { timeout: 30_000 });
      const m = await page.evaluate(() => ({
        ready: performance.getEntriesByName('rh:feed-ready')[0].startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        rows: document.querySelectorAll('[data-testid="feed-row"]').length,
        longest: Math.max(0, ...window.__bench.longTasks.map((t) => t.duration)),
      }));
      // Warm: the same browser profile opens it again (HTTP and V8 code caches, as on a user's machine).
      await page.goto(`${hub.url}/`);
      await page.waitForFunction(() => performance.getEntriesByName('rh:feed-ready').length > 0, null, { timeout: 30_000 });
      m.warm = await page.evaluate(() => performance.getEntriesByName('rh:feed-ready')[0].startTime);
      // The first load of a just-launched browser also pays for starting its processes.
      if (i >= 0) loads.push(m);
      else baselines.length = 0;
      await ctx.close();
    }
    line('baseline: navigation to /api/health', ms(median(baselines)), 'median; browser + server floor');
    line('DOMContentLoaded', ms(median(loads.map((l) => l.dcl))), 'median');
    line('first contentful paint', ms(median(loads.map((l) => l.fcp))), 'median');
    line('interactive (live feed history shown)', ms(median(loads.map((l) => l.ready))), `median; runs: ${loads.map((l) => Math.round(l.ready)).join(', ')} ms; target < 500 ms`);
    line('interactive, warm (opened again)', ms(median(loads.map((l) => l.warm))), `median; runs: ${loads.map((l) => Math.round(l.warm)).join(', ')} ms`);
    line('longest task before interactive', ms(Math.max(...loads.map((l) => l.longest))), `feed rows rendered: ${loads[0].rows}`);

    }

    // 2. A 100,000-span trace.
    if (PHASES.has('trace')) {
      console.log(`\n2. Opening a ${TRACE_SPANS.toLocaleString()}-span trace, then scrolling its waterfall`);
      const apiRuns = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const res = await fetch(`${hub.url}/api/v1/traces/${bigTraceId}`);
        const text = await res.text();
        const body = JSON.parse(text);
        apiRuns.push({ ms: performance.now() - t0, bytes: text.length, spans: body.spans.length });
      }
      line('baseline: GET /traces/:id + JSON.parse, Node', ms(median(apiRuns.map((r) => r.ms))), `median of 3; ${apiRuns[0].spans.toLocaleString()} spans, ${mb(apiRuns[0].bytes)}`);
      const outlineRuns = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const text = await (await fetch(`${hub.url}/api/v1/traces/${bigTraceId}/outline`)).text();
        JSON.parse(text);
        outlineRuns.push({ ms: performance.now() - t0, bytes: text.length });
      }
      line('baseline: GET …/outline + JSON.parse, Node', ms(median(outlineRuns.map((r) => r.ms))), `median of 3; ${mb(outlineRuns[0].bytes)} (what the dashboard loads)`);
      const opens = [];
      let page;
      let ctx;
      for (let i = 0; i < 3; i++) {
        await ctx?.close();
        ctx = await browser.newContext({ viewport });
        page = await ctx.newPage();
        await longTaskProbe(page);
        await page.goto(`${hub.url}/traces/${bigTraceId}`);
        await page.waitForFunction(() => performance.getEntriesByName('rh:trace-ready').length > 0, null, { timeout: 60_000 });
        opens.push(
          await page.evaluate(() => {
            const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/traces/'));
            return { ready: performance.getEntriesByName('rh:trace-ready')[0].startTime, fetched: api ? api.responseEnd : NaN, rows: document.querySelectorAll('[data-testid="waterfall-row"]').length };
          }),
        );
      }
      line('trace open (navigation → waterfall shown)', ms(median(opens.map((o) => o.ready))), `median; runs: ${opens.map((o) => Math.round(o.ready)).join(', ')} ms; target < 2,000 ms`);
      line('  of which response received', ms(median(opens.map((o) => o.fetched))), `rows in the DOM: ${opens[0].rows} (virtualized)`);
      await page.waitForTimeout(500);
      await resetProbe(page);
      const scroll = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const el = document.querySelector('[data-testid="waterfall-scroller"]');
            // Written, never read back: reading scrollTop in the loop would force a layout per frame.
            const max = el.scrollHeight - el.clientHeight;
            let pos = el.scrollTop;
            const started = performance.now();
            let steps = 0;
            const step = () => {
              const t = performance.now() - started;
              if (t < 5000) pos = Math.min(max, pos + 240); // smooth: 10 rows per frame
              else if (t < 8000) pos = Math.random() * max; // jumps anywhere
              else return resolve({ steps, seconds: t / 1000, height: max });
              el.scrollTop = pos;
              steps++;
              requestAnimationFrame(step);
            };
            requestAnimationFrame(step);
          }),
      );
      const probe = await page.evaluate(() => window.__bench);
      const tasks = probe.longTasks.map((t) => t.duration);
      line('waterfall scroll: 5 s smooth + 3 s jumps', `${(probe.frames / scroll.seconds).toFixed(1)} fps`, `${scroll.steps} scroll steps over ${mb(scroll.height).replace(' MB', '')}M px`);
      line('  long tasks > 50 ms', tasks.filter((d) => d > 50).length, `longest ${ms(Math.max(0, ...tasks))}; frames > 50 ms apart: ${probe.slowFrames}`);

      const t0 = Date.now();
      await page.getByRole('tab', { name: /Flow graph/ }).click();
      await page.locator('[data-testid="flow-node"]').first().waitFor();
      line('flow graph of the trace', ms(Date.now() - t0), `${await page.locator('[data-testid="flow-node"]').count()} functions, ${await page.locator('[data-testid="flow-edge"]').count()} edges`);
      await ctx.close();
    }
    // 3. Live feed (last: its spans are stored too).
    if (PHASES.has('live')) {
      console.log(`\n3. Live feed at ${LIVE_RATE.toLocaleString()} spans/s for ${LIVE_SECONDS} s (Monitor view, all apps)`);
      const ctx = await browser.newContext({ viewport });
      const page = await ctx.newPage();
      await longTaskProbe(page);
      await page.goto(`${hub.url}/`);
      await page.waitForFunction(() => performance.getEntriesByName('rh:feed-ready').length > 0);
      await page.waitForTimeout(1000);
      const heapStart = await heap(page);
      await resetProbe(page);
      const receivedBefore = await page.evaluate(() => window.__runtimeHub.hubLive.received);
      const worker = new Worker(new URL('./live-sender.mjs', import.meta.url), { workerData: { url: hub.url, rate: LIVE_RATE, seconds: LIVE_SECONDS } });
      const result = await new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
      await page.waitForTimeout(500);
      const probe = await page.evaluate(() => ({ ...window.__bench, received: window.__runtimeHub.hubLive.received, shown: document.querySelector('[data-testid="feed-scroller"]').getAttribute('aria-rowcount') }));
      const heapEnd = await heap(page);
      const tasks = probe.longTasks.map((t) => t.duration);
      line('baseline: sender rate achieved', `${Math.round(result.sent / result.seconds).toLocaleString()}/s`, `${result.sent.toLocaleString()} records, ${result.failed} failed`);
      line('spans received by the dashboard', `${Math.round((probe.received - receivedBefore) / result.seconds).toLocaleString()}/s`, `${(probe.received - receivedBefore).toLocaleString()} in ${result.seconds.toFixed(1)} s; ${probe.shown} rows kept (cap)`);
      line('long tasks > 50 ms', tasks.filter((d) => d > 50).length, `of which > 100 ms: ${tasks.filter((d) => d > 100).length}; target 0 > 100 ms`);
      line('longest task', ms(Math.max(0, ...tasks)));
      line('frames', `${(probe.frames / result.seconds).toFixed(1)} fps`, `frames > 50 ms apart: ${probe.slowFrames}; longest gap ${ms(probe.maxFrameGap)}`);
      line('JS heap at start', mb(heapStart.after), 'after GC');
      line('JS heap at end', mb(heapEnd.before), `before GC; ${mb(heapEnd.after)} after GC; target < 100 MB`);
      await ctx.close();
    }

  } finally {
    await browser.close();
    await hub.stop();
    if (!opts.data && !opts.keep) rmSync(root, { recursive: true, force: true });
    console.log(`\nload average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
