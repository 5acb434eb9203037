// Overhead of @runtime-hub/sdk on real code: find-my-way's own test suite (node --test, one
// process per file, 2 at a time) with every module tracked, next to the same suite plain and
// with OpenTelemetry's startActiveSpan wrapped around the same functions, in the same run.
//
//     npm run build && node bench/sdk-js/realcode.mjs [--rounds 2]
//
// Scenarios, interleaved round by round so load drifts hit all of them alike:
//   plain            the suite as its authors run it (baseline)
//   sdk-disabled     tracked, RUNTIME_HUB_ENABLED=0
//   sdk-hub-up       tracked, sending to a real hub started here
//   sdk-hub-down     tracked, hub unreachable (nothing listens on the port)
//   otel-loaded      OpenTelemetry loaded and registered, nothing wrapped
//   otel-hub-up      OTel startActiveSpan + BatchSpanProcessor + OTLP/HTTP to the same hub
// Wall and CPU (user + system of every process of the suite, from /usr/bin/time) are the median
// of the rounds. The suite runs 81 processes, so loading a tracer is a fixed cost per process;
// it is reported apart: "load ms/proc" = (sdk-disabled or otel-loaded - plain) / processes, and
// "+cpu µs/call" = (scenario - its loaded baseline) / tracked calls, the calls counted by the
// OTel run (every span it ended). Prints the load average before and after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub, stopHub } from '../lib/hub.mjs';

const require = createRequire(import.meta.url);
const LIBRARY = dirname(require.resolve('find-my-way/package.json'));
const SDK_PRELOAD = fileURLToPath(new URL('../../packages/sdk-js/src/testing/fixtures/track-find-my-way.cjs', import.meta.url));
const OTEL_PRELOAD = fileURLToPath(new URL('./otel-preload.cjs', import.meta.url));
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 2) || 2;

function run(env) {
  const work = mkdtempSync(join(tmpdir(), 'rh-bench-rc-'));
  const statsFile = join(work, 'stats.jsonl');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, '--test', '--test-concurrency=2', 'test/'], {
    cwd: LIBRARY,
    env: { ...process.env, NODE_OPTIONS: '', STATS_FILE: statsFile, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const pass = Number(/^# pass (\d+)$/m.exec(r.stdout)?.[1]);
  const fail = Number(/^# fail (\d+)$/m.exec(r.stdout)?.[1]);
  let stats = [];
  try {
    stats = readFileSync(statsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    // plain runs write none
  }
  rmSync(work, { recursive: true, force: true });
  return { wall, cpu: user + sys, pass, fail, stats };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

async function main() {
  const load0 = readFileSync('/proc/loadavg', 'utf8').trim();
  const hub = await startHub(['--data', mkdtempSync(join(tmpdir(), 'rh-bench-rc-hub-'))]);
  const scenarios = {
    plain: {},
    'sdk-disabled': { NODE_OPTIONS: `--require ${SDK_PRELOAD}`, RUNTIME_HUB_ENABLED: '0' },
    'sdk-hub-up': { NODE_OPTIONS: `--require ${SDK_PRELOAD}`, RUNTIME_HUB_URL: hub.url, SERVICE: 'fmw-sdk' },
    'sdk-hub-down': { NODE_OPTIONS: `--require ${SDK_PRELOAD}`, RUNTIME_HUB_URL: 'http://127.0.0.1:9', SERVICE: 'fmw-down' },
    'otel-loaded': { NODE_OPTIONS: `--require ${OTEL_PRELOAD}`, HUB_URL: hub.url, SERVICE: 'fmw-otel-idle', OTEL_INSTRUMENT: '0' },
    'otel-hub-up': { NODE_OPTIONS: `--require ${OTEL_PRELOAD}`, HUB_URL: hub.url, SERVICE: 'fmw-otel' },
  };
  const results = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, env] of Object.entries(scenarios)) results[name].push(run(env));
  }
  await stopHub(hub);
  const load1 = readFileSync('/proc/loadavg', 'utf8').trim();
  const calls = median(results['otel-hub-up'].map((r) => sum(r.stats.map((s) => s.ended))));
  const plainWall = median(results.plain.map((r) => r.wall));
  const plainCpu = median(results.plain.map((r) => r.cpu));
  console.log(`find-my-way ${require('find-my-way/package.json').version} suite, node ${process.versions.node}, ${rounds} rounds, ${calls} tracked calls per run`);
  console.log(`load average before: ${load0}`);
  const cpuOf = (name) => median(results[name].map((r) => r.cpu));
  const processes = results['otel-hub-up'][0].stats.length;
  const base = { 'sdk-hub-up': 'sdk-disabled', 'sdk-hub-down': 'sdk-disabled', 'otel-hub-up': 'otel-loaded' };
  console.log('scenario          pass/fail   wall s  cpu s  wall x  cpu x  load ms/proc  +cpu µs/call  drops (SDK)');
  for (const [name, runs] of Object.entries(results)) {
    const wall = median(runs.map((r) => r.wall));
    const cpu = median(runs.map((r) => r.cpu));
    const drops = name.startsWith('sdk') ? median(runs.map((r) => sum(r.stats.map((s) => sum(Object.values(s.dropped ?? {})))))) : '';
    const load = name === 'sdk-disabled' || name === 'otel-loaded' ? (((cpu - plainCpu) * 1000) / processes).toFixed(1) : '';
    const perCall = base[name] ? (((cpu - cpuOf(base[name])) * 1e6) / calls).toFixed(1) : '';
    console.log(
      `${name.padEnd(17)} ${`${runs[0].pass}/${runs[0].fail}`.padEnd(10)} ${wall.toFixed(1).padStart(7)} ${cpu.toFixed(1).padStart(6)} ${(wall / plainWall).toFixed(2).padStart(7)} ${(cpu / plainCpu).toFixed(2).padStart(6)} ${load.padStart(13)} ${perCall.padStart(13)}  ${drops}`,
    );
  }
  console.log(`${processes} processes per run`);
  console.log(`load average after: ${load1}`);
}

await main();
