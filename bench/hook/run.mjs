// node bench/hook/run.mjs [-- --runs 30]      (needs `npm run build`)
//
// Wall time of `runtime-hub hook` per Claude Code hook event, as Claude Code runs it (a new process,
// the event on stdin), with the hub up and with the hub down (the event is spooled), next to the
// start-up time of `node -e ''` measured in the same run, interleaved so machine load hits all
// alike. Also: the delivery alone (the same code called in-process, no process start), and one call
// that drains a spool of `runs` events once the hub is back.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deliverHookEvent } from '../../packages/hub/dist/ingest/claude/hook-deliver.js';
import { Spool } from '../../packages/hub/dist/ingest/claude/spool.js';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const RUNS = Number(values.runs);
const BIN = fileURLToPath(new URL('../../packages/hub/bin/runtime-hub.js', import.meta.url));

const SID = '5f0c2a9e-7d4b-4e1a-9c3f-1b2d3e4f5a6b';
const event = (i) => ({
  session_id: SID,
  transcript_path: `/home/dev/.claude/projects/-home-dev-app/${SID}.jsonl`,
  cwd: '/home/dev/app',
  permission_mode: 'default',
  hook_event_name: i % 2 === 0 ? 'PreToolUse' : 'PostToolUse',
  tool_name: 'Bash',
  tool_input: { command: `npm test -- --grep case-${i >> 1}`, description: 'Run the tests' },
  tool_use_id: `toolu_bench${String(i >> 1).padStart(16, '0')}`,
  ...(i % 2 === 1 ? { tool_response: { stdout: 'ok\n'.repeat(40), stderr: '', interrupted: false, isImage: false } } : {}),
});

/** Spawns a process, writes `input` to its stdin, resolves with wall ms from spawn to exit. */
function timed(args, input, env = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${args.join(' ')} exited ${code}`))));
    proc.stdin.end(input);
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const summary = (label, samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { label, n: sorted.length, min: sorted[0], p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1) };
};

const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-hook-'));
const spoolUp = join(dataDir, 'spool-up');
const spoolDown = join(dataDir, 'spool-down');
const hub = await startHub(['--data', join(dataDir, 'hub')]);
const downUrl = `http://127.0.0.1:${await freePort()}`;

const baseline = [];
const up = [];
const down = [];
// Warm the file system cache and the hub once before measuring.
await timed([BIN, 'hook', '--url', hub.url, '--spool', spoolUp], JSON.stringify(event(0)));
for (let i = 0; i < RUNS; i++) {
  const payload = JSON.stringify(event(i + 2));
  baseline.push(await timed(['-e', ''], payload));
  up.push(await timed([BIN, 'hook', '--url', hub.url, '--spool', spoolUp], payload));
  down.push(await timed([BIN, 'hook', '--url', downUrl, '--spool', spoolDown], payload));
}
const spooled = readdirSync(spoolDown).filter((n) => n.endsWith('.json')).length;

// The delivery alone: the hook command's code in this process, so no Node start-up.
const inProcess = [];
const spool = new Spool(join(dataDir, 'spool-inproc'));
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const result = await deliverHookEvent({ receivedAt: Date.now(), event: event(1000 + i) }, { url: hub.url, spool, timeoutMs: 500 });
  inProcess.push(performance.now() - t0);
  if (result.spooled) throw new Error('in-process delivery was spooled: is the hub up?');
}

// The hub is back: the next call sends the spool along with its own event.
const drain = await timed([BIN, 'hook', '--url', hub.url, '--spool', spoolDown], JSON.stringify(event(5000)));
const left = readdirSync(spoolDown).filter((n) => n.endsWith('.json')).length;
const health = await (await fetch(`${hub.url}/api/health`)).json();
await stopHub(hub);
rmSync(dataDir, { recursive: true, force: true });

const rows = [
  summary("node -e ''  (baseline: Node start-up)", baseline),
  summary('runtime-hub hook, hub up (delivered)', up),
  summary('runtime-hub hook, hub down (spooled)', down),
  summary('delivery alone, in-process (no start-up)', inProcess),
];
const ms = (v) => `${v.toFixed(1)}`.padStart(7);
console.log(`runtime-hub hook — wall time per event, ${RUNS} runs each, interleaved (ms)\n`);
console.log(`${'what'.padEnd(44)}${'min'.padStart(7)}${'p50'.padStart(7)}${'p90'.padStart(7)}${'max'.padStart(7)}`);
for (const r of rows) console.log(`${r.label.padEnd(44)}${ms(r.min)}${ms(r.p50)}${ms(r.p90)}${ms(r.max)}`);
const base = rows[0].p50;
console.log(`\nover baseline (p50): hub up +${(rows[1].p50 - base).toFixed(1)} ms, hub down +${(rows[2].p50 - base).toFixed(1)} ms`);
console.log(`hub down: ${spooled} of ${RUNS} events spooled; next call with the hub up sent them in ${drain.toFixed(1)} ms, ${left} left`);
console.log(`hub stored ${health.spans} spans`);
