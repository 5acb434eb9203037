#!/usr/bin/env node
/* global window, document, requestAnimationFrame, PerformanceObserver -- code passed to page.evaluate runs in the browser */
// Agents view benchmark (issue 11): a 5,000-node agent run opens in the run graph in < 1.5 s, and
// panning and zooming it causes no long task over 50 ms. Baselines from the same run: the same
// trace opened in the plain trace waterfall, and long tasks on the idle graph page over the same
// time as the interaction. Not a test; prints figures with the load average.
//
//   npm run build && node bench/agents/run.mjs [--nodes 5000] [--opens 5] [--interact-seconds 6]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startHub, stopHub } from '../lib/hub.mjs';

const { values: opts } = parseArgs({
  options: { nodes: { type: 'string', default: '5000' }, opens: { type: 'string', default: '5' }, 'interact-seconds': { type: 'string', default: '6' } },
});
const NODES = Number(opts.nodes);
const OPENS = Number(opts.opens);
const INTERACT_MS = Number(opts['interact-seconds']) * 1000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ms = (n) => `${n.toFixed(0)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label, value, note = '') => console.log(`  ${label.padEnd(46)} ${String(value).padStart(12)}  ${note}`);
const hex = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * An agent run of `n` spans shaped like an SDK agent loop: an orchestrator, LLM calls with GenAI
 * messages and usage, one to three tool calls after each (parallel when more than one), and a
 * subagent with its own loop every 50 steps.
 */
function agentRun(n) {
  const traceId = hex(32);
  const t0 = Date.now() - 3_600_000;
  const root = { traceId, spanId: hex(16), service: 'bench-agent', name: 'invoke_agent planner', kind: 'agent', startTime: t0, endTime: t0 + 3_000_000, status: 'ok', input: { task: 'plan the release' } };
  const spans = [root];
  let t = t0 + 1;
  let parent = root.spanId;
  let step = 0;
  while (spans.length < n) {
    if (step % 50 === 49 && spans.length < n - 2) {
      const sub = { traceId, spanId: hex(16), parentSpanId: root.spanId, service: 'bench-agent', name: 'invoke_agent researcher', kind: 'agent', startTime: t, endTime: t + 400, status: 'ok' };
      spans.push(sub);
      parent = sub.spanId;
    } else if (step % 50 === 0) parent = root.spanId;
    const llm = {
      traceId, spanId: hex(16), parentSpanId: parent, service: 'bench-agent', name: 'chat gpt-4o-mini', kind: 'llm', startTime: t, endTime: t + 30, status: 'ok',
      input: [{ role: 'user', parts: [{ type: 'text', content: `step ${step}` }] }],
      output: [{ role: 'assistant', parts: [{ type: 'tool_call', id: `c${step}`, name: 'search', arguments: { q: `q${step}` } }], finish_reason: 'tool_calls' }],
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 200, 'gen_ai.usage.output_tokens': 20 },
    };
    spans.push(llm);
    t += 31;
    const tools = 1 + (step % 3);
    for (let k = 0; k < tools && spans.length < n; k++) {
      spans.push({ traceId, spanId: hex(16), parentSpanId: parent, service: 'bench-agent', name: k === 0 ? 'search' : 'fetch_page', kind: 'tool', startTime: t + k, endTime: t + 20 + k, status: step % 97 === 0 ? 'error' : 'ok', input: { q: `q${step}` }, output: { hits: 3 } });
    }
    t += 25;
    step++;
  }
  return { traceId, spans: spans.slice(0, n) };
}

async function post(url, spans) {
  for (let i = 0; i < spans.length; i += 1000) {
    const res = await fetch(`${url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans: spans.slice(i, i + 1000) }) });
    const body = await res.json();
    if (!res.ok || body.rejected.length) throw new Error(`ingest failed: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** Milliseconds from navigation start to the first frame after `ready` holds. */
async function openTime(browser, url, ready) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(ready.fn, ready.arg, { timeout: 30_000, polling: 'raf' });
  const t = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
  await context.close();
  return t;
}

async function longTasksDuring(page, action) {
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    window.__frames = 0;
    const generation = (window.__generation = (window.__generation ?? 0) + 1);
    const tick = () => {
      if (window.__generation !== generation) return;
      window.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = Date.now();
  await action();
  const elapsed = Date.now() - started;
  return page.evaluate((elapsed) => {
    window.__generation++;
    const draws = performance.getEntriesByName('rh-graph-draw').map((e) => e.duration).sort((a, b) => a - b);
    performance.clearMeasures('rh-graph-draw');
    return { long: window.__long, fps: (window.__frames / elapsed) * 1000, draws };
  }, elapsed);
}

const dir = mkdtempSync(join(tmpdir(), 'rh-bench-agents-'));
console.log(`runtime-hub Agents view benchmark — ${new Date().toISOString()}, ${process.platform}, node ${process.version}, ${CHROMIUM}`);
console.log(`load average at start: ${load()} (2 shared cores: figures vary with other work)\n`);
const hub = await startHub(['--data', dir]);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  const run = agentRun(NODES);
  await post(hub.url, run.spans);
  console.log(`Seed: one agent run of ${NODES.toLocaleString()} spans (orchestrator, LLM calls, parallel tool calls, subagents) via POST /api/v1/spans\n`);

  // Functions, not strings: the dashboard's CSP forbids eval.
  const graphReady = { fn: (n) => document.querySelector('[data-testid="run-graph"]')?.getAttribute('data-nodes') === String(n), arg: NODES };
  const waterfallReady = { fn: () => !!document.querySelector('[data-testid="waterfall-row"]'), arg: undefined };
  await openTime(browser, `${hub.url}/agents/${run.traceId}`, graphReady); // warm-up, uncounted
  await openTime(browser, `${hub.url}/traces/${run.traceId}`, waterfallReady);
  const graph = [];
  const waterfall = [];
  for (let i = 0; i < OPENS; i++) {
    waterfall.push(await openTime(browser, `${hub.url}/traces/${run.traceId}`, waterfallReady));
    graph.push(await openTime(browser, `${hub.url}/agents/${run.traceId}`, graphReady));
  }
  console.log(`1. Opening the run (${OPENS} cold opens each, new browser context, after one uncounted)`);
  line('baseline: trace waterfall of the same trace', ms(median(waterfall)), `median; runs: ${waterfall.map((x) => x.toFixed(0)).join(', ')} ms`);
  line('Agents run graph shown (canvas)', ms(median(graph)), `median; runs: ${graph.map((x) => x.toFixed(0)).join(', ')} ms; target < 1,500 ms`);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${hub.url}/agents/${run.traceId}`);
  await page.waitForFunction(graphReady.fn, graphReady.arg, { timeout: 30_000 });
  const renderer = await page.getByTestId('run-graph').getAttribute('data-renderer');
  const box = await page.getByTestId('run-graph').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(5, 5);
  const idle = await longTasksDuring(page, () => page.waitForTimeout(INTERACT_MS));
  await page.evaluate(() => performance.clearMeasures('rh-graph-draw'));
  // Zoom out until the whole run is in view (every node drawn each frame: the worst case), then pan and zoom.
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 300);
  const zoomK = await page.evaluate(() => document.querySelector('[data-testid="run-graph"]').__zoom?.k ?? 1);
  const busy = await longTasksDuring(page, async () => {
    const end = Date.now() + INTERACT_MS;
    let i = 0;
    while (Date.now() < end) {
      await page.mouse.move(cx, cy + 150);
      await page.mouse.down();
      await page.mouse.move(cx + 200 * Math.sin(i), cy + 150 + 80 * Math.cos(i), { steps: 8 });
      await page.mouse.up();
      await page.mouse.wheel(0, i % 2 ? 240 : -240);
      i++;
    }
  });
  const wheelOnly = await longTasksDuring(page, async () => {
    const end = Date.now() + INTERACT_MS / 2;
    for (let i = 0; Date.now() < end; i++) {
      await page.mouse.move(cx + (i % 7) * 20, cy);
      await page.mouse.wheel(0, i % 2 ? 240 : -240);
    }
  });
  console.log(`\n2. Pan and zoom for ${INTERACT_MS / 1000} s, zoomed out (renderer: ${renderer}, zoom ${zoomK.toFixed(3)}: ~${Math.min(NODES, Math.round(box.width / (54 * zoomK))).toLocaleString()} of ${NODES.toLocaleString()} nodes in view)`);
  line('baseline: idle graph page, long tasks > 50 ms', idle.long.length, `longest ${ms(Math.max(0, ...idle.long))}; ${idle.fps.toFixed(1)} fps`);
  line('pan + zoom, long tasks > 50 ms', busy.long.length, `longest ${ms(Math.max(0, ...busy.long))}; ${busy.fps.toFixed(1)} fps; target 0`);
  line('zoom only (wheel), long tasks > 50 ms', wheelOnly.long.length, `longest ${ms(Math.max(0, ...wheelOnly.long))}; ${wheelOnly.fps.toFixed(1)} fps; ${wheelOnly.draws.length} frames drawn`);
  const q = (p) => busy.draws[Math.min(busy.draws.length - 1, Math.floor(p * busy.draws.length))] ?? 0;
  line('graph frames drawn', busy.draws.length, `draw time p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${q(1).toFixed(1)} ms`);
  await context.close();
} finally {
  await browser.close();
  await stopHub(hub);
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nload average at end: ${load()}`);
}
