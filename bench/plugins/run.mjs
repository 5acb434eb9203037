// node bench/plugins/run.mjs [--spans 100000] [--batch 1000] [--rounds 3]
//
// Ingest rate with the two built-in plugins on (n-plus-one, slow-calls: each in its own thread,
// fed every stored batch) next to the same hub without plugins, in interleaved rounds with a
// fresh hub each. Also prints how many spans the plugins analyzed and dropped: a plugin that
// falls behind drops batches instead of slowing ingest (docs/plugins.md). The hub's main-thread
// CPU time per span (from /proc/<pid>/task/<pid>/stat, user + system) is what handing batches to
// the plugins costs the event loop; unlike spans/s it moves little with the machine's load.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { memoryOf, startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '100000' }, batch: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const TOTAL = Number(values.spans);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const PLUGINS = ['--plugin', 'builtin:n-plus-one', '--plugin', 'builtin:slow-calls'];

/** CPU time of the hub's main thread (its tid is the pid), ms; Linux clock ticks are 10 ms. */
function mainThreadCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function run(withPlugins) {
  const bodies = [];
  for (let sent = 0; sent < TOTAL; sent += BATCH) bodies.push(JSON.stringify({ spans: makeSpans(Math.min(BATCH, TOTAL - sent)) }));
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-plugins-'));
  const hub = await startHub(['--data', dataDir, ...(withPlugins ? PLUGINS : [])]);
  if (withPlugins) {
    // Measure ingest, not plugin start-up: wait until both run.
    for (;;) {
      const { plugins } = await (await fetch(`${hub.url}/api/v1/plugins`)).json();
      if (plugins.every((p) => p.state !== 'starting')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let next = 0;
  const cpu0 = mainThreadCpuMs(hub.proc.pid);
  const t0 = performance.now();
  const client = async () => {
    while (next < bodies.length) {
      const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[next++] });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all([client(), client()]);
  const seconds = (performance.now() - t0) / 1000;
  const mainUsPerSpan = ((mainThreadCpuMs(hub.proc.pid) - cpu0) * 1000) / TOTAL;
  const memory = memoryOf(hub.proc.pid);
  let analyzed = '';
  if (withPlugins) {
    await new Promise((r) => setTimeout(r, 1000));
    const { plugins } = await (await fetch(`${hub.url}/api/v1/plugins`)).json();
    analyzed = plugins.map((p) => `${p.name}: ${p.state}, ${p.stats.spans} analyzed, ${p.stats.droppedSpans} dropped, ${p.stats.findings} findings`).join('; ');
  }
  await stopHub(hub);
  rmSync(dataDir, { recursive: true, force: true });
  return { rate: TOTAL / seconds, mainUsPerSpan, rssMb: memory.rssMb, analyzed };
}

console.log(`bench/plugins: ${TOTAL} spans per run (span records are written once, complete), batches of ${BATCH}, 2 clients, ${ROUNDS} interleaved rounds; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const rates = { off: [], on: [] };
const mainCpu = { off: [], on: [] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of ['off', 'on']) {
    const r = await run(mode === 'on');
    rates[mode].push(r.rate);
    mainCpu[mode].push(r.mainUsPerSpan);
    console.log(`  round ${round} plugins ${mode.padEnd(3)} ${Math.round(r.rate).toString().padStart(7)} spans/s  main thread ${r.mainUsPerSpan.toFixed(1).padStart(5)} µs CPU/span  hub RSS ${r.rssMb.toFixed(0)} MB  (load ${loadavg()[0].toFixed(2)})${r.analyzed ? `\n      ${r.analyzed}` : ''}`);
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = median(rates.off);
const on = median(rates.on);
console.log(`medians: without plugins ${Math.round(off)} spans/s, with both built-ins ${Math.round(on)} spans/s (${((on / off) * 100).toFixed(0)} %); load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`main-thread CPU per span, medians: without plugins ${median(mainCpu.off).toFixed(1)} µs, with both built-ins ${median(mainCpu.on).toFixed(1)} µs`);
