#!/usr/bin/env node
/* global window, document, requestAnimationFrame, PerformanceObserver -- code passed to page.evaluate runs in the browser */
// Workflow studio benchmark (issue 9): a workflow of 500 nodes and 600 edges — time to open it in
// the studio, then dragging a node and panning, with Chrome's long-task observer and a frame
// counter — next to the same-run baseline: React Flow's own render of the same graph (default
// nodes, MiniMap, Controls, Background) without the studio's panels, store or custom nodes.
// Rounds alternate baseline and studio, each in a fresh browser context. Not a test.
//
//   npm run build && node bench/studio/run.mjs [--nodes 500] [--edges 600] [--rounds 5]
//        [--loop-items 1000] [--loop-rounds 3] [--nice=-10] [--web <built dashboard folder>]
// Then a loop run of ~2,000 activations started from the editor, its statuses streaming onto the
// canvas, against the same run started by API while the same page sits idle.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { startHub, stopHub } from '../lib/hub.mjs';
import { bigWorkflow } from './graph.mjs';
import { browserAt, prioritize } from './priority.mjs';
import { serveBaseline } from './serve-baseline.mjs';
import { startWebHub } from './web-hub-process.mjs';

const { values: opts } = parseArgs({
  options: {
    nodes: { type: 'string', default: '500' },
    edges: { type: 'string', default: '600' },
    rounds: { type: 'string', default: '5' },
    'loop-items': { type: 'string', default: '1000' },
    'loop-rounds': { type: 'string', default: '3' },
    nice: { type: 'string' },
    web: { type: 'string' },
  },
});
const NODES = Number(opts.nodes);
const EDGES = Number(opts.edges);
const ROUNDS = Number(opts.rounds);
const LOOP_ITEMS = Number(opts['loop-items']);
const LOOP_ROUNDS = Number(opts['loop-rounds']);
const WEB_DIST = fileURLToPath(new URL('../../packages/web/dist/index.html', import.meta.url));
const BASELINE_SRC = fileURLToPath(new URL('./baseline/', import.meta.url));
const NICE = opts.nice === undefined ? undefined : Number(opts.nice);
const CHROMIUM = browserAt(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', NICE);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1440, height: 900 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label, value, note = '') => console.log(`  ${label.padEnd(44)} ${String(value).padStart(12)}  ${note}`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

async function call(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 400)}`);
  return json;
}

// In every page before its scripts: long tasks and animation frames are recorded from the start.
const INSTRUMENT = () => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  window.__frames = 0;
  const tick = () => {
    window.__frames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

/** Opens a page, drags a node for ~1 s, pans for ~1 s; returns the figures. */
async function measure(browser, url, nodeCount) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(INSTRUMENT);
  await page.goto(url);
  // Opened = every node of the workflow is in the DOM (fit view shows them all).
  const openMs = await page.evaluate(
    (n) =>
      new Promise((resolve, reject) => {
        const giveUp = setTimeout(() => reject(new Error(`${n} nodes not in the DOM after 60 s`)), 60_000);
        const check = () => {
          if (document.querySelectorAll('.react-flow__node').length < n) return requestAnimationFrame(check);
          clearTimeout(giveUp);
          resolve(performance.now());
        };
        check();
      }),
    nodeCount,
  );
  const openLongest = await page.evaluate(() => Math.max(0, ...window.__longTasks));
  await page.waitForTimeout(500);

  const gesture = async (from, dx, dy) => {
    await page.evaluate(() => {
      window.__longTasks = [];
      window.__frames = 0;
      window.__t0 = performance.now();
    });
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(from.x + (dx * i) / 60, from.y + (dy * i) / 60);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    await page.waitForTimeout(100);
    return page.evaluate(() => {
      const seconds = (performance.now() - window.__t0) / 1000;
      return { fps: window.__frames / seconds, longTasks: window.__longTasks.filter((d) => d > 50).length, longest: Math.max(0, ...window.__longTasks) };
    });
  };
  const target = page.locator(`.react-flow__node[data-id="n${Math.floor(nodeCount / 2)}"]`);
  const box = await target.boundingBox();
  const drag = await gesture({ x: box.x + box.width / 2, y: box.y + box.height / 2 }, 200, 120);
  const pane = await page.locator('.react-flow__pane').boundingBox();
  const pan = await gesture({ x: pane.x + 30, y: pane.y + 30 }, 300, 150);
  await context.close();
  return { openMs, openLongest, drag, pan };
}

/** A loop over `items` items: about 2 activations per item (the loop and its body). */
function loopWorkflow(items) {
  return {
    id: 'loop',
    name: `Loop of ${items}`,
    nodes: [
      { id: 'start', type: 'trigger', position: { x: 0, y: 0 } },
      { id: 'each', type: 'loop', name: 'Each item', config: { items: '{{ trigger.body.items }}' }, position: { x: 260, y: 0 } },
      { id: 'body', type: 'set', name: 'Double', config: { fields: { value: '{{ loop.item * 2 }}' } }, position: { x: 520, y: -80 } },
      { id: 'end', type: 'set', name: 'Done', config: { fields: { count: '{{ input | length }}' } }, position: { x: 520, y: 80 } },
    ],
    edges: [
      { source: 'start', target: 'each' },
      { source: 'each', sourceOutput: 'item', target: 'body' },
      { source: 'body', target: 'each' },
      { source: 'each', sourceOutput: 'done', target: 'end' },
    ],
  };
}

/**
 * The loop run's statuses streamed onto the canvas (run from the editor) against the same run
 * started through the API while the same page sits idle (not subscribed): the machine's floor.
 */
async function measureLoop(browser, hubUrl, items, fromEditor) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(INSTRUMENT);
  await page.goto(`${hubUrl}/workflows/bench/loop`);
  await page.locator('.react-flow__node[data-id="end"]').waitFor();
  await page.getByLabel('Trigger data').fill(JSON.stringify({ items: Array.from({ length: items }, (_, i) => i) }));
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    window.__longTasks = [];
    window.__frames = 0;
    window.__t0 = performance.now();
  });
  const started = performance.now();
  let runId;
  if (fromEditor) {
    await page.getByTestId('run-button').click();
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor({ timeout: 120_000 });
    runId = await page.getByTestId('run-status').getAttribute('data-run-id');
  } else {
    ({ runId } = await call(hubUrl, 'POST', '/api/v1/projects/bench/workflows/loop/runs?wait=true&timeoutMs=120000', { items: Array.from({ length: items }, (_, i) => i) }));
  }
  const elapsed = performance.now() - started;
  const figures = await page.evaluate(() => {
    const seconds = (performance.now() - window.__t0) / 1000;
    return { fps: window.__frames / seconds, longTasks: window.__longTasks.filter((d) => d > 50).length, longest: Math.max(0, ...window.__longTasks) };
  });
  const { steps } = await call(hubUrl, 'GET', `/api/v1/runs/${runId}`);
  const shown = fromEditor ? await page.locator('.react-flow__node[data-id="body"] [data-testid="node-status"]').textContent() : '';
  await context.close();
  return { ...figures, elapsed, activations: steps.length, shown };
}

async function main() {
  if (!existsSync(opts.web ? join(opts.web, 'index.html') : WEB_DIST)) throw new Error('build the dashboard first: npm run build');
  console.log(`runtime-hub studio benchmark — ${new Date().toISOString()}, ${process.platform}, node ${process.version}, ${CHROMIUM}`);
  console.log(`load average at start: ${load()} (2 shared cores: figures vary with other work)\n`);

  const outDir = mkdtempSync(join(tmpdir(), 'rh-studio-baseline-'));
  await build({ root: BASELINE_SRC, logLevel: 'silent', plugins: [react()], build: { outDir, emptyOutDir: true } });
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-studio-bench-'));
  const hub = opts.web ? await startWebHub(opts.web, dataDir) : await startHub(['--data', dataDir]);
  if (opts.web) console.log(`dashboard served from ${opts.web} (--web)`);
  prioritize(hub.proc.pid, NICE);
  if (NICE !== undefined) console.log(`browser, hub and benchmark at nice ${NICE} (--nice)`);
  const workflow = bigWorkflow('big', NODES, EDGES);
  await call(hub.url, 'POST', '/api/v1/projects', { id: 'bench', name: 'Bench' });
  const saved = await call(hub.url, 'POST', '/api/v1/projects/bench/workflows', workflow);
  const baseline = await serveBaseline(outDir, JSON.stringify(saved.workflow));
  console.log(`Workflow: ${saved.workflow.nodes.length} nodes, ${saved.workflow.edges.length} edges (saved through the API, version ${saved.workflow.version})\n`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  // A failed round must not leave the hub running.
  process.once('uncaughtException', () => void stopHub(hub));
  process.once('unhandledRejection', (error) => {
    console.error(error);
    void stopHub(hub).then(() => process.exit(1));
  });
  const results = { baseline: [], studio: [] };
  // One uncounted warm-up of each, then alternating rounds.
  await measure(browser, `${baseline.url}/`, NODES);
  await measure(browser, `${hub.url}/workflows/bench/big`, NODES);
  for (let r = 0; r < ROUNDS; r++) {
    results.baseline.push(await measure(browser, `${baseline.url}/`, NODES));
    results.studio.push(await measure(browser, `${hub.url}/workflows/bench/big`, NODES));
  }
  console.log('');
  await call(hub.url, 'POST', '/api/v1/projects/bench/workflows', loopWorkflow(LOOP_ITEMS));
  const loops = { idle: [], studio: [] };
  for (let r = 0; r < LOOP_ROUNDS; r++) {
    loops.idle.push(await measureLoop(browser, hub.url, LOOP_ITEMS, false));
    loops.studio.push(await measureLoop(browser, hub.url, LOOP_ITEMS, true));
  }
  await browser.close();

  for (const [name, runs] of Object.entries(results)) {
    console.log(name === 'baseline' ? 'Baseline: React Flow alone (default nodes, MiniMap, Controls, Background)' : 'Studio: /workflows/bench/big (palette, panels, custom nodes, store)');
    line('open (navigation → all nodes in the DOM)', `${median(runs.map((x) => x.openMs)).toFixed(0)} ms`, `median of ${ROUNDS}; runs: ${runs.map((x) => x.openMs.toFixed(0)).join(', ')} ms${name === 'studio' ? '; target < 1,000 ms' : ''}`);
    line('  longest task while opening', `${Math.max(...runs.map((x) => x.openLongest)).toFixed(0)} ms`, 'worst round');
    for (const gesture of ['drag', 'pan']) {
      const xs = runs.map((x) => x[gesture]);
      line(`${gesture === 'drag' ? 'drag a node' : 'pan the canvas'} for ~1 s`, `${median(xs.map((x) => x.fps)).toFixed(1)} fps`, `median; long tasks > 50 ms: ${xs.map((x) => x.longTasks).join(', ')} per round; longest ${Math.max(...xs.map((x) => x.longest)).toFixed(0)} ms${name === 'studio' ? '; target 0' : ''}`);
    }
    console.log('');
  }
  console.log(`Loop run of ${LOOP_ITEMS} items (${loops.studio[0].activations} activations) streamed onto the canvas`);
  for (const [name, runs] of Object.entries(loops)) {
    const label = name === 'idle' ? 'baseline: same run by API, page idle' : 'studio: run from the editor, live canvas';
    line(label, `${median(runs.map((x) => x.elapsed)).toFixed(0)} ms`, `run time, median of ${LOOP_ROUNDS}; ${median(runs.map((x) => x.fps)).toFixed(1)} fps; long tasks > 50 ms: ${runs.map((x) => x.longTasks).join(', ')}; longest ${Math.max(...runs.map((x) => x.longest)).toFixed(0)} ms${name === 'studio' ? `; body node shows "${runs[0].shown}"` : ''}`);
  }
  console.log('');
  console.log(`load average at end: ${load()}`);
  baseline.close();
  await stopHub(hub);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
}

await main();
