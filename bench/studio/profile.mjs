#!/usr/bin/env node
/* global document -- code passed to page.evaluate runs in the browser */
// Where the time of a drag and a pan goes in the studio (issue 9): Chrome's own counters
// (script, style, layout durations from the DevTools Performance domain) and a CPU profile's
// self time per function, for the 500-node workflow of bench/studio/run.mjs and for the same-run
// baseline page (React Flow alone). A diagnostic next to the benchmark, not a test.
//
//   npm run build && node bench/studio/profile.mjs [--nodes 500] [--edges 600] [--top 20] [--page studio|baseline] [--nice=-10] [--web <built dashboard folder>]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
    top: { type: 'string', default: '20' },
    page: { type: 'string', default: 'studio' },
    repeat: { type: 'string', default: '3' },
    nice: { type: 'string' },
    web: { type: 'string' },
  },
});
const NODES = Number(opts.nodes);
const NICE = opts.nice === undefined ? undefined : Number(opts.nice);
const CHROMIUM = browserAt(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', NICE);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];
// Durations in ms (ThreadTime: the renderer main thread's CPU time, the least sensitive to other
// processes), then counts.
const METRICS = ['TaskDuration', 'ThreadTime', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'LayoutCount', 'RecalcStyleCount'];
const COUNTS = new Set(['LayoutCount', 'RecalcStyleCount']);

async function call(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.filter((m) => METRICS.includes(m.name)).map((m) => [m.name, COUNTS.has(m.name) ? m.value : m.value * 1000]));
}

/** Self time per function of a CPU profile, biggest first. */
function selfTimes(profile) {
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length) / 1000;
  const byKey = new Map();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : ''}`;
    byKey.set(key, (byKey.get(key) ?? 0) + (node.hitCount ?? 0) * interval);
  }
  return [...byKey].sort((a, b) => b[1] - a[1]);
}

async function gesture(page, from, dx, dy) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) {
    await page.mouse.move(from.x + (dx * i) / 60, from.y + (dy * i) / 60);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  await page.waitForTimeout(300);
}

async function main() {
  console.log(`studio profile — ${new Date().toISOString()}; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-studio-profile-'));
  const hub = opts.web ? await startWebHub(opts.web, dataDir) : await startHub(['--data', dataDir]);
  prioritize(hub.proc.pid, NICE);
  await call(hub.url, 'POST', '/api/v1/projects', { id: 'bench', name: 'Bench' });
  const saved = await call(hub.url, 'POST', '/api/v1/projects/bench/workflows', bigWorkflow('big', NODES, Number(opts.edges)));
  let baseline;
  let outDir;
  let url = `${hub.url}/workflows/bench/big`;
  if (opts.page === 'baseline') {
    outDir = mkdtempSync(join(tmpdir(), 'rh-studio-baseline-'));
    await build({ root: fileURLToPath(new URL('./baseline/', import.meta.url)), logLevel: 'silent', plugins: [react()], build: { outDir, emptyOutDir: true } });
    baseline = await serveBaseline(outDir, JSON.stringify(saved.workflow));
    url = `${baseline.url}/`;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length >= n, NODES, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const dom = await page.evaluate(() => ({ elements: document.querySelectorAll('*').length, inNodes: document.querySelectorAll('.react-flow__node *').length }));
    console.log(`DOM: ${dom.elements} elements in the page, ${dom.inNodes} inside the canvas's nodes`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const box = await page.locator(`.react-flow__node[data-id="n${Math.floor(NODES / 2)}"]`).boundingBox();
    const pane = await page.locator('.react-flow__pane').boundingBox();
    // Each gesture is repeated (there and back); the least of each counter is printed, the figure
    // least disturbed by other processes on a shared machine, with the CPU profile of the first.
    const drag = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const pan = { x: pane.x + 30, y: pane.y + 30 };
    for (const [name, from, dx, dy] of [
      ['drag', drag, 200, 120],
      ['pan', pan, 300, 150],
    ]) {
      const least = {};
      let profile;
      for (let r = 0; r < Number(opts.repeat); r++) {
        // A node is dragged there and back; the canvas is panned from the same corner each time.
        const back = name === 'drag' && r % 2 === 1;
        const start = back ? { x: from.x + dx, y: from.y + dy } : from;
        const before = await metrics(cdp);
        if (r === 0) await cdp.send('Profiler.start');
        await gesture(page, start, back ? -dx : dx, back ? -dy : dy);
        if (r === 0) ({ profile } = await cdp.send('Profiler.stop'));
        const after = await metrics(cdp);
        for (const m of METRICS) least[m] = Math.min(least[m] ?? Infinity, after[m] - before[m]);
      }
      console.log(`\n${opts.page}: ${name} (~1 s gesture + 300 ms; least of ${opts.repeat})`);
      console.log(`  ${METRICS.map((m) => `${m.replace('Duration', '')} ${least[m].toFixed(0)}${COUNTS.has(m) ? '' : ' ms'}`).join(' · ')}`);
      for (const [key, ms] of selfTimes(profile).slice(0, Number(opts.top))) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
    }
  } finally {
    await browser.close();
    baseline?.close();
    await stopHub(hub);
    rmSync(dataDir, { recursive: true, force: true });
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  }
  console.log(`\nload average at end: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
}

await main();
