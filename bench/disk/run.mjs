// node bench/disk/run.mjs [--spans 50000] [--llm-share 0.2] [--venv /tmp/rh-bench-phoenix-venv] [--no-phoenix]
// (HUB_CLI=<another build>/cli/main.js measures that build instead: bench/lib/hub.mjs)
//
// Disk footprint of the same spans in runtime-hub and in Arize Phoenix, side by side. The spans
// (bench/lib/spans.mjs's function calls plus LLM calls with chat messages, llm-spans.mjs) go
// through the official OpenTelemetry Python SDK and OTLP/HTTP protobuf exporter to both backends at
// once (send_otlp.py). Prints, for each: bytes per span on disk after shutdown (database + WAL +
// shm), the peak footprint while ingesting, the empty database, next to the raw JSON size of the
// spans. Phoenix runs from a venv (created with pip on first use) with its SQLite working dir in a
// temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startHub, stopHub } from '../lib/hub.mjs';
import { makeSpans } from '../lib/spans.mjs';
import { makeLlmSpans } from './llm-spans.mjs';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '50000' },
    'llm-share': { type: 'string', default: '0.2' },
    venv: { type: 'string', default: join(tmpdir(), 'rh-bench-phoenix-venv') },
    'no-phoenix': { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.spans);
const LLM = Math.round(TOTAL * Number(values['llm-share']));
const SENDER = fileURLToPath(new URL('./send_otlp.py', import.meta.url));
const PY_PACKAGES = ['arize-phoenix', 'opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http'];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Bytes of the files in `dir` whose names start with `prefix` (a database, its WAL and shm). */
function filesBytes(dir, prefix) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    try {
      total += statSync(join(dir, name)).size;
    } catch {
      // removed between listing and stat (a WAL truncated away)
    }
  }
  return total;
}

function venvPython() {
  const python = join(values.venv, 'bin', 'python');
  if (!existsSync(python)) {
    console.log(`creating ${values.venv} and installing ${PY_PACKAGES.join(', ')} (pip)…`);
    const steps = [['python3', ['-m', 'venv', values.venv]], [python, ['-m', 'pip', 'install', '-q', ...PY_PACKAGES]]];
    for (const [command, args] of steps) {
      const result = spawnSync(command, args, { stdio: 'inherit' });
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status})`);
    }
  }
  return python;
}

async function startPhoenix(python, workDir) {
  const port = await freePort();
  const grpcPort = await freePort();
  const env = { ...process.env, PHOENIX_WORKING_DIR: workDir, PHOENIX_PORT: String(port), PHOENIX_GRPC_PORT: String(grpcPort), PHOENIX_HOST: '127.0.0.1', PHOENIX_TELEMETRY_ENABLED: 'false',
    // Phoenix answers 503 once 20,000 spans wait in its queue (default), and the exporter gives up
    // on them after its retries: room for the whole run, so both backends store every span.
    PHOENIX_MAX_SPANS_QUEUE_SIZE: String(TOTAL * 2) };
  const proc = spawn(join(values.venv, 'bin', 'phoenix'), ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (chunk) => (log += chunk));
  proc.stderr.on('data', (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`phoenix exited (${proc.exitCode}):\n${log.slice(-2000)}`);
    try {
      if ((await fetch(url)).ok) return { proc, url, python };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`phoenix did not start:\n${log.slice(-2000)}`);
}

function countRows(file) {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare('SELECT count(*) FROM spans').pluck().get();
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** Waits until a backend stored every span, or stored nothing more for a minute; answers the count. */
async function settled(count) {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const n = count();
    if (n >= TOTAL) return n;
    if (n !== last) [last, since] = [n, Date.now()];
    else if (Date.now() - since > 60_000) return n;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(proc) {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGINT');
  await exited;
}

// The spans, once, for both.
const work = mkdtempSync(join(tmpdir(), 'rh-bench-disk-'));
const records = [...makeSpans(TOTAL - LLM), ...makeLlmSpans(LLM)];
const jsonl = records.map((r) => JSON.stringify(r)).join('\n');
const rawBytes = Buffer.byteLength(jsonl) - (records.length - 1);
writeFileSync(join(work, 'spans.jsonl'), jsonl);

const python = venvPython(); // the sender needs the OpenTelemetry SDK from the venv too
const hubDir = join(work, 'hub');
const phoenixDir = join(work, 'phoenix');
const hub = await startHub(['--data', hubDir]);
let phoenix;
process.on('exit', () => {
  // An error on the way must not leave the servers running.
  for (const proc of [hub.proc, phoenix?.proc]) if (proc && proc.exitCode === null) proc.kill('SIGKILL');
});
phoenix = values['no-phoenix'] ? undefined : await startPhoenix(python, phoenixDir);
const backends = [
  { name: 'runtime-hub', dir: hubDir, prefix: 'hub.sqlite', endpoint: `${hub.url}/v1/traces`, stored: () => countRows(join(hubDir, 'hub.sqlite')) },
  ...(phoenix ? [{ name: 'Arize Phoenix', dir: phoenixDir, prefix: 'phoenix.db', endpoint: `${phoenix.url}/v1/traces`, stored: () => countRows(join(phoenixDir, 'phoenix.db')) }] : []),
];
await new Promise((resolve) => setTimeout(resolve, 2_000)); // let start-up writes settle
for (const b of backends) {
  b.empty = filesBytes(b.dir, b.prefix);
  b.peak = b.empty;
}
const sampler = setInterval(() => {
  for (const b of backends) b.peak = Math.max(b.peak, filesBytes(b.dir, b.prefix));
}, 20);

const started = performance.now();
const sender = spawn(python, [SENDER, join(work, 'spans.jsonl'), ...backends.map((b) => b.endpoint)], { stdio: ['ignore', 'inherit', 'inherit'] });
const sent = await new Promise((resolve) => sender.on('exit', resolve));
if (sent !== 0) throw new Error(`send_otlp.py failed (${sent})`);
const sentAfter = (performance.now() - started) / 1000;
for (const b of backends) {
  b.count = await settled(b.stored);
  b.seconds = (performance.now() - started) / 1000;
}
clearInterval(sampler);
const load = loadavg().map((n) => n.toFixed(2)).join(' ');
await stopHub(hub);
if (phoenix) await stop(phoenix.proc);
for (const b of backends) b.after = filesBytes(b.dir, b.prefix);

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
console.log('');
console.log(`disk benchmark: ${fmt(records.length)} spans (${fmt(LLM)} LLM calls with messages), OTLP/HTTP protobuf from the official Python exporter, node ${process.version}`);
console.log(`the Python exporter sent every span to both in ${sentAfter.toFixed(1)} s`);
console.log(`raw JSON               ${fmt(rawBytes / records.length).padStart(6)} bytes/span   (${mb(rawBytes)}, the native records one per line)`);
for (const b of backends) {
  console.log(`${b.name.padEnd(22)} ${fmt(b.after / records.length).padStart(6)} bytes/span after shutdown   (${mb(b.after)}; empty ${mb(b.empty)}; ` +
    `peak while ingesting ${mb(b.peak)} = ${(b.peak / b.after).toFixed(2)}x; ${fmt(b.count)} spans stored after ${b.seconds.toFixed(1)} s)`);
}
if (backends.length === 2) console.log(`runtime-hub / Phoenix after shutdown: ${(backends[0].after / backends[1].after).toFixed(2)}x`);
console.log(`load average at the end of ingest: ${load}`);
rmSync(work, { recursive: true, force: true });
