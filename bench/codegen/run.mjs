// Requests/s of a project exported as an app — Python (uvicorn, one worker) and TypeScript
// (Fastify) — next to the hub's own /w/ endpoint, on docs/workflows.md's greet workflow, with the
// same closed-loop load tool (bench/workflows/http-load.mjs), in alternating rounds, with the load
// average around each round. Needs a build (npm run build) and python3 with venv; the first run
// installs the Python app's requirements into a cached virtual environment.
//
//   node bench/codegen/run.mjs [--seconds 5] [--rounds 3] [--concurrency 16]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHub, stopHub } from '../lib/hub.mjs';
import { load } from '../workflows/http-load.mjs';
import { buildTypescript, pythonEnvironment, startApp } from '../../packages/hub/dist/deploy/app-runtime.js';
import { freePort } from '../../packages/hub/dist/net/free-port.js';
import { writeFiles } from '../../packages/hub/dist/export/write-files.js';
import { GREET_WORKFLOW as GREET } from '../../packages/engine/dist/testing/fixtures.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' } } });
const options = { seconds: Number(values.seconds), warmupSeconds: 1, concurrency: Number(values.concurrency) };
const rounds = Number(values.rounds);


async function post(url, body, method = 'POST') {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-codegen-'));
const hub = await startHub(['--data', dataDir]);
const apps = [];
try {
  await post(`${hub.url}/api/v1/projects`, { id: 'bench', name: 'Bench' });
  await post(`${hub.url}/api/v1/projects/bench/workflows`, GREET);
  const sides = [{ name: 'hub /w/bench/greet', url: `${hub.url}/w/bench/greet` }];
  for (const language of ['python', 'typescript']) {
    const { files } = await (await fetch(`${hub.url}/api/v1/projects/bench/export?language=${language}`)).json();
    const dir = mkdtempSync(join(tmpdir(), `rh-bench-${language}-`));
    writeFiles(dir, files);
    const venv = language === 'python' ? await pythonEnvironment(dir, join(tmpdir(), 'runtime-hub-codegen-venvs'), (line) => console.error(line)) : undefined;
    if (language === 'typescript') await buildTypescript(dir);
    const app = await startApp({ appDir: dir, language, port: await freePort(), venv, timeoutMs: 120_000 });
    apps.push({ app, dir });
    sides.push({ name: language === 'python' ? 'Python export (uvicorn, 1 worker)' : 'TypeScript export (Fastify)', url: `${app.url}/greet` });
  }
  const check = (text) => text.includes('Hello, Ada!');
  const results = new Map(sides.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) {
      const before = loadavg()[0];
      const result = await load(side.url, { name: 'Ada' }, { ...options, check });
      results.get(side.name).push({ ...result, load: [before, loadavg()[0]] });
    }
  }
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
  console.log(`\ngreet workflow, ${rounds} alternating rounds of ${options.seconds} s, ${options.concurrency} keep-alive connections, ${cpus} CPUs`);
  console.log('side                                 req/s (median)  rounds                     p50 ms  p99 ms  load avg (1 min) before→after');
  for (const [name, list] of results) {
    const sorted = [...list].sort((a, b) => a.perSecond - b.perSecond);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${name.padEnd(37)}${median.perSecond.toFixed(0).padStart(13)}  ${list.map((r) => r.perSecond.toFixed(0)).join(' / ').padEnd(25)}  ${median.p50.toFixed(1).padStart(6)}  ${median.p99.toFixed(1).padStart(6)}  ${list.map((r) => `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`).join(', ')}`,
    );
  }
} finally {
  for (const { app, dir } of apps) {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  await stopHub(hub);
  rmSync(dataDir, { recursive: true, force: true });
}
