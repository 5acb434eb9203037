// node bench/scaled/deploy-takeover.mjs [-- --rounds 3 --lease-ms 15000]
//
// How long a deployed app is gone when the hub running it is SIGKILLed (scaled mode: hubs on one
// PostgreSQL and Redis, sharing their data folder). Each round: the owner hub is killed, and the
// time until the app answers /health again — started by another hub once the owner's lease ran out
// — is measured; a new hub is started for the next round. Same-run baseline: the app's own restart
// (POST …/restart on the hub that runs it, until /health answers), which every takeover includes.
// Expect about lease + up to a third of it + the baseline. Prints the load average: the machine is shared.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres } from '../../packages/hub/dist/testing/postgres-server.js';
import { startRedisServer } from '../../packages/hub/dist/testing/redis-server.js';
import { startHub, stopHub } from '../lib/hub.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, 'lease-ms': { type: 'string', default: '15000' } } });
const ROUNDS = Number(values.rounds);
const LEASE_MS = Number(values['lease-ms']);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const answers = (url) => fetch(`${url}/health`, { signal: globalThis.AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);

async function until(what, check, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The demo target as a hub lists it: its current deployment and owner. */
const listed = async (hub) => (await api(hub.url, 'GET', '/api/v1/projects/demo/deployments')).targets.find((t) => t.id === 'local');

const [pg, redis] = await Promise.all([startPostgres(), startRedisServer()]);
const data = mkdtempSync(join(tmpdir(), 'rh-bench-takeover-'));
Object.assign(process.env, {
  RUNTIME_HUB_SECRET_KEY: randomBytes(32).toString('base64'),
  RUNTIME_HUB_VENV_CACHE: process.env.RUNTIME_HUB_VENV_CACHE ?? join(tmpdir(), 'runtime-hub-codegen-venvs'),
  RUNTIME_HUB_DEPLOY_LEASE_MS: String(LEASE_MS),
});
const args = ['--data', data, '--db', await pg.createDatabase(), '--redis', redis.url];
/** A hub process with its id (the owner name its deployments carry). */
async function hub() {
  const started = await startHub(args);
  return { ...started, id: (await api(started.url, 'GET', '/api/v1/deployments')).hub };
}
const hubs = [await hub(), await hub()];
try {
  const first = hubs[0];
  await api(first.url, 'POST', '/api/v1/projects', { id: 'demo', name: 'Demo' });
  await api(first.url, 'POST', '/api/v1/projects/demo/workflows', {
    id: 'greet', name: 'Greet', visibility: 'public', endpoint: { method: 'POST', path: '/greet' }, trigger: { type: 'webhook' },
    nodes: [{ id: 'start', type: 'trigger' }, { id: 'hello', type: 'set', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } }],
    edges: [{ source: 'start', target: 'hello' }],
  });
  await api(first.url, 'PUT', '/api/v1/projects/demo/deployments/targets/local', { platform: 'local', language: 'python', healthIntervalMs: 1000 });
  const deployed = await api(first.url, 'POST', '/api/v1/projects/demo/deployments/targets/local/deploy', {});
  if (deployed.deployment.status !== 'running') throw new Error(deployed.deployment.logs);
  console.log(`lease ${LEASE_MS} ms, ${ROUNDS} rounds, load ${load()}`);
  const takeovers = [];
  const restarts = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Baseline: the owner restarts the app (asked on the owner itself).
    const before = await listed(hubs[0]);
    const owner = hubs.find((h) => h.id === before.owner.hub);
    let t0 = performance.now();
    const restarted = await api(owner.url, 'POST', '/api/v1/projects/demo/deployments/targets/local/restart', {});
    await until('the restarted app', () => answers(restarted.deployment.url));
    restarts.push(performance.now() - t0);
    // The owner dies; another hub takes the app over.
    t0 = performance.now();
    owner.proc.removeAllListeners('exit');
    owner.proc.kill('SIGKILL');
    const survivor = hubs.find((h) => h !== owner);
    const taken = await until('another hub to run the app', async () => {
      const target = await listed(survivor);
      return target.current.owner !== before.owner.hub && target.current.status === 'running' && target.current.logs.includes('started again on hub') && (await answers(target.current.url)) ? target : undefined;
    });
    takeovers.push(performance.now() - t0);
    console.log(`round ${round + 1}: takeover ${(takeovers.at(-1) / 1000).toFixed(1)} s (app on ${taken.current.url}, was ${restarted.deployment.url}), restart on the owner ${(restarts.at(-1) / 1000).toFixed(1)} s, load ${load()}`);
    hubs.splice(hubs.indexOf(owner), 1);
    hubs.push(await hub());
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`median: takeover after SIGKILL ${(median(takeovers) / 1000).toFixed(1)} s; baseline, the app's restart on its owner ${(median(restarts) / 1000).toFixed(1)} s; lease ${(LEASE_MS / 1000).toFixed(1)} s; load ${load()}`);
} finally {
  for (const hub of hubs) await stopHub(hub).catch(() => undefined);
  await redis.close();
  await pg.close();
  rmSync(data, { recursive: true, force: true });
}
