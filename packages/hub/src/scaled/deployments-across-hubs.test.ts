import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callGreet, greetWorkflow } from '../deploy/testing.js';
import { VENV_CACHE } from '../export/testing/exported-apps.js';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { killNow } from '../testing/worker-process.js';
import { apiClient, eventually } from '../workflows/testing.js';

/**
 * Deployments across two real hubs on one PostgreSQL and Redis, sharing their data folder as in
 * docker-compose.yml: a project's app deployed through hub A is listed, stopped and started again
 * through hub B — each request carried out by A, which runs the app — and when A is SIGKILLed, B
 * takes the deployment over (its lease ran out), starts the app again and it answers. A hub
 * stopped gracefully ends its leases, and a third hub takes its deployment over.
 */
const LEASE_MS = 4000;
const SECRET = 'sk-test-4b3a2c1d';
let redis: RedisTestServer;
let postgres: PostgresServer;
let data: string;
let hubA: HubProcess;
let hubB: HubProcess;
let hubC: HubProcess;
let args: string[];
let env: Record<string, string>;

interface Deployment {
  id: string;
  status: string;
  url: string | null;
  logs: string;
  owner: string | null;
}
interface TargetView {
  project: string;
  id: string;
  current: Deployment | null;
  owner: { hub: string; live: boolean; thisHub: boolean } | null;
  health: { status: string };
}

const answers = (url: string) =>
  fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.ok,
    () => false,
  );

/** What hub B lists for the demo project's local target (every target of every project: GET /api/v1/deployments). */
async function listedOn(hub: HubProcess): Promise<{ hub: string; target: TargetView }> {
  await new Promise((resolve) => setTimeout(resolve, 250)); // polled: leave the machine to the hubs in between
  const { status, body, text } = await apiClient(hub.url)('GET', '/api/v1/deployments');
  expect(status, text).toBe(200);
  return { hub: body.hub, target: (body.targets as TargetView[]).find((t) => t.project === 'demo' && t.id === 'local')! };
}

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedisServer(), startPostgres()]);
  const dbUrl = await postgres.createDatabase();
  data = mkdtempSync(join(tmpdir(), 'rh-deploy-hubs-'));
  env = { RUNTIME_HUB_SECRET_KEY: randomBytes(32).toString('base64'), RUNTIME_HUB_VENV_CACHE: VENV_CACHE, RUNTIME_HUB_DEPLOY_LEASE_MS: String(LEASE_MS) };
  args = ['--data', data, '--db', dbUrl, '--redis', redis.url];
  hubA = await spawnHub(args, env, 90_000);
  hubB = await spawnHub(args, env, 90_000);
}, 240_000);

afterAll(async () => {
  for (const hub of [hubC, hubB, hubA]) {
    if (!hub || hub.proc.exitCode !== null || hub.proc.signalCode !== null) continue;
    hub.proc.kill('SIGTERM'); // stops its apps
    await Promise.race([hub.exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    await killNow(hub);
  }
  await redis?.close();
  await postgres?.close();
  if (data) rmSync(data, { recursive: true, force: true });
}, 60_000);

describe('scaled mode: deployments across two hubs', () => {
  let first: Deployment;
  let hubAId: string;

  it('deploys on hub A; hub B lists the deployment with its owner, A, and its health', async () => {
    const a = apiClient(hubA.url);
    expect((await a('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' })).status).toBe(201);
    expect((await a('PUT', '/api/v1/projects/demo/secrets/API_KEY', { value: SECRET })).status).toBeLessThan(300);
    expect((await a('POST', '/api/v1/projects/demo/workflows', greetWorkflow())).status).toBe(201);
    expect((await a('PUT', '/api/v1/projects/demo/deployments/targets/local', { platform: 'local', language: 'python', healthIntervalMs: 1000 })).status).toBe(200);
    const deployed = await a('POST', '/api/v1/projects/demo/deployments/targets/local/deploy', {});
    expect(deployed.status, deployed.text).toBe(201);
    first = deployed.body.deployment;
    expect(first.status, first.logs).toBe('running');
    hubAId = deployed.body.handledBy.hub;
    expect(deployed.body.handledBy).toEqual({ hub: hubAId, forwarded: false });
    expect(first.owner).toBe(hubAId);
    expect(await callGreet(first.url!)).toEqual({ message: 'Hello, Ada!', auth: SECRET.length });

    // Hub B was started before the project existed: it lists it from the shared database all the same.
    const listed = await eventually(async () => {
      const seen = await listedOn(hubB);
      return seen.target?.health.status === 'healthy' ? seen : undefined;
    }, 60_000, 'hub B to list the deployment as healthy');
    expect(listed.hub).not.toBe(hubAId);
    expect(listed.target.current).toMatchObject({ id: first.id, status: 'running', url: first.url, owner: hubAId });
    expect(listed.target.owner).toMatchObject({ hub: hubAId, live: true, thisHub: false });
  }, 600_000);

  it('stops the app from hub B: hub A, which runs it, stops it and says so', async () => {
    const stopped = await apiClient(hubB.url)('POST', '/api/v1/projects/demo/deployments/targets/local/stop', {});
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body.handledBy).toEqual({ hub: hubAId, forwarded: true });
    expect(stopped.body.deployment).toMatchObject({ id: first.id, status: 'stopped', owner: hubAId });
    expect(stopped.body.deployment.logs).toContain(`stopped on hub ${hubAId}`);
    expect(await answers(first.url!)).toBe(false);
    // Hub A, the owner, keeps checking: no app now, which every hub sees in the target's health.
    await eventually(async () => ((await listedOn(hubB)).target.health.status === 'down' ? true : undefined), 60_000, 'the stopped app to be down');
    const health = await apiClient(hubB.url)('GET', '/api/v1/projects/demo/deployments/targets/local/health?hours=1');
    expect((health.body.checks as { error: string | null }[]).at(-1)?.error).toBe(`no app is running for this target on hub ${hubAId}`);
  }, 180_000);

  it('starts it again from hub B: hub A, its owner, starts it', async () => {
    const started = await apiClient(hubB.url)('POST', '/api/v1/projects/demo/deployments/targets/local/restart', {});
    expect(started.status, started.text).toBe(200);
    expect(started.body.handledBy).toEqual({ hub: hubAId, forwarded: true });
    expect(started.body.deployment).toMatchObject({ id: first.id, status: 'running', owner: hubAId });
    first = started.body.deployment;
    expect(await callGreet(first.url!)).toEqual({ message: 'Hello, Ada!', auth: SECRET.length });
  }, 300_000);

  it('redeploys from hub B a new version: hub A builds and runs it in place of the old one', async () => {
    // The studio's edit goes to hub A, whose catalog has the project (hubs load the folders at start).
    const changed = await apiClient(hubA.url)('PUT', '/api/v1/projects/demo/workflows/greet', greetWorkflow('Howdy'));
    expect(changed.status, changed.text).toBe(200);
    const deployed = await apiClient(hubB.url)('POST', '/api/v1/projects/demo/deployments/targets/local/deploy', {});
    expect(deployed.status, deployed.text).toBe(201);
    expect(deployed.body.handledBy).toEqual({ hub: hubAId, forwarded: true });
    const second = deployed.body.deployment as Deployment;
    expect(second).toMatchObject({ status: 'running', owner: hubAId });
    expect(second.id).not.toBe(first.id);
    expect(await callGreet(second.url!)).toEqual({ message: 'Howdy, Ada!', auth: SECRET.length });
    const history = await apiClient(hubB.url)('GET', '/api/v1/projects/demo/deployments/targets/local/history');
    expect((history.body.deployments as Deployment[]).map((d) => [d.id, d.status])).toEqual([[second.id, 'running'], [first.id, 'replaced']]);
    first = second;
  }, 300_000);

  it('takes the deployment over on hub B when hub A is SIGKILLed: the app is started again and answers', async () => {
    await killNow(hubA);
    // The app died with its hub (parent-death signal), so nothing answers for a moment.
    if (existsSync('/usr/bin/setpriv')) await eventually(async () => !(await answers(first.url!)) || undefined, 30_000, 'hub A’s app to end with hub A');
    const taken = await eventually(async () => {
      const { target } = await listedOn(hubB);
      const restarted = target.current?.owner !== hubAId && target.current?.status === 'running' && target.current.logs.includes('started again on hub');
      return restarted && target.health.status === 'healthy' ? target : undefined;
    }, 300_000, 'hub B to take the deployment over and find it healthy');
    expect(taken.current).toMatchObject({ id: first.id, status: 'running' });
    expect(taken.owner).toMatchObject({ live: true, thisHub: true });
    expect(taken.current!.logs).toContain(`hub ${hubAId} stopped renewing its lease: started again on hub ${taken.owner!.hub}`);
    // Where the old port was free again, the app keeps its address.
    if (existsSync('/usr/bin/setpriv')) expect(taken.current!.url).toBe(first.url);
    expect(await answers(taken.current!.url!)).toBe(true);
    expect(await callGreet(taken.current!.url!)).toEqual({ message: 'Howdy, Ada!', auth: SECRET.length });

    // The takeover is in the target's health history: down (with why) before healthy again.
    const health = await apiClient(hubB.url)('GET', '/api/v1/projects/demo/deployments/targets/local/health?hours=1');
    const checks = health.body.checks as { status: string; error: string | null }[];
    const note = checks.findIndex((c) => c.status === 'down' && c.error?.includes(`hub ${hubAId} stopped renewing its lease; hub ${taken.owner!.hub} takes the deployment over`));
    expect(note).toBeGreaterThanOrEqual(0);
    expect(checks.slice(note + 1).some((c) => c.status === 'healthy')).toBe(true);

    // Now B owns it: a stop asked on B is carried out on B, and so is the start after it.
    const stopped = await apiClient(hubB.url)('POST', '/api/v1/projects/demo/deployments/targets/local/stop', {});
    expect(stopped.body.handledBy).toEqual({ hub: taken.owner!.hub, forwarded: false });
    expect(await answers(taken.current!.url!)).toBe(false);
    const started = await apiClient(hubB.url)('POST', '/api/v1/projects/demo/deployments/targets/local/restart', {});
    expect(started.status, started.text).toBe(200);
    expect(started.body.handledBy).toEqual({ hub: taken.owner!.hub, forwarded: false });
    first = started.body.deployment;
  }, 600_000);

  it('hands the deployment to another hub when its owner stops gracefully (SIGTERM ends its leases at once)', async () => {
    hubC = await spawnHub(args, env, 90_000);
    const before = await listedOn(hubB);
    hubB.proc.kill('SIGTERM');
    expect(await hubB.exited).toBe(0);
    // Released, not left to lapse: B's lease on it is over at once (or C holds it already).
    const right = await listedOn(hubC);
    expect(right.target.owner?.hub !== before.hub || right.target.owner.live === false, JSON.stringify(right.target.owner)).toBe(true);
    const taken = await eventually(async () => {
      const { hub, target } = await listedOn(hubC);
      return target.current?.owner === hub && target.current.status === 'running' && target.health.status === 'healthy' ? target : undefined;
    }, 300_000, 'hub C to take the deployment over');
    expect(taken.current!.id).toBe(first.id);
    expect(taken.current!.logs).toContain(`hub ${before.hub} stopped renewing its lease: started again on hub ${taken.owner!.hub}`);
    expect(await callGreet(taken.current!.url!)).toEqual({ message: 'Howdy, Ada!', auth: SECRET.length });
  }, 600_000);
});
