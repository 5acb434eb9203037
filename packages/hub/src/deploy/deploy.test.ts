import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from '../testing/test-hub.js';
import type { TestHub } from '../testing/test-hub.js';
import { VENV_CACHE } from '../export/testing/exported-apps.js';
import { onDeploymentHealth } from './health-events.js';
import { callGreet, greetWorkflow } from './testing.js';
import type { DeploymentHealthEvent } from './health-events.js';

/**
 * Deploying a project locally for real: the hub generates the Python app at a commit of the
 * project folder, installs it in a virtual environment, runs it as a child process and checks
 * its /health; a new version replaces it, a broken one leaves it running, a rollback brings the
 * old behaviour back, a killed app turns `down` at the next check.
 */
const SECRET = 'sk-live-9f8e7d6c5b4a';
const INTERVAL = 700;
const dataDir = mkdtempSync(join(tmpdir(), 'rh-deploy-'));
let hub: TestHub;
const events: DeploymentHealthEvent[] = [];

interface Deployment {
  id: string;
  status: string;
  url: string | null;
  version: string;
  logs: string;
  folder: string;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${hub.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function deploy(target = 'local'): Promise<Deployment> {
  const { status, body } = await api<{ deployment: Deployment }>('POST', `/api/v1/projects/demo/deployments/targets/${target}/deploy`, {});
  expect(status).toBe(201);
  return body.deployment;
}

beforeAll(async () => {
  process.env.RUNTIME_HUB_VENV_CACHE = VENV_CACHE;
  hub = await startTestHub({ dataDir });
  onDeploymentHealth(hub.hub.ctx, (event) => events.push(event));
  expect((await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' })).status).toBe(201);
  expect((await api('PUT', '/api/v1/projects/demo/secrets/API_KEY', { value: SECRET })).status).toBeLessThan(300);
  expect((await api('POST', '/api/v1/projects/demo/workflows', greetWorkflow('Hello'))).status).toBe(201);
  const internal = { id: 'inner', name: 'Inner', trigger: { type: 'manual' }, nodes: [{ id: 'start', type: 'trigger' }] };
  expect((await api('POST', '/api/v1/projects/demo/workflows', internal)).status).toBe(201);
  expect((await api('PUT', '/api/v1/projects/demo/deployments/targets/local', { platform: 'local', language: 'python', healthIntervalMs: INTERVAL })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await hub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local deployments', () => {
  let first: Deployment;
  let second: Deployment;

  it('deploys the current version: the app answers like the hub, internal workflows are 404, /health tells the version', async () => {
    first = await deploy();
    expect(first.status, first.logs).toBe('running');
    expect(first.version).toMatch(/^[0-9a-f]{40}$/);
    const hubAnswer = await (await fetch(`${hub.url}/w/demo/greet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) })).json();
    expect(await callGreet(first.url as string)).toEqual(hubAnswer);
    expect(hubAnswer).toEqual({ message: 'Hello, Ada!', auth: SECRET.length });
    expect((await fetch(`${first.url}/inner`, { method: 'POST' })).status).toBe(404);
    const health = (await (await fetch(`${first.url}/health`)).json()) as { status: string; version: string; uptimeSeconds: number };
    expect(health).toMatchObject({ status: 'ok', version: first.version.slice(0, 12) });
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
  }, 300_000);

  it('never writes a secret value into the generated files', () => {
    const files = readdirSync(first.folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(SECRET);
    expect(readFileSync(join(first.folder, '.env.example'), 'utf8')).toContain('\nAPI_KEY=\n');
  });

  it('commits every save: versions list the commits, a diff shows what changed', async () => {
    expect((await api('PUT', '/api/v1/projects/demo/workflows/greet', greetWorkflow('Howdy'))).status).toBe(200);
    let commits: { hash: string; message: string }[] = [];
    for (let i = 0; i < 50 && !commits.some((c) => c.message.startsWith('PUT /api/v1/projects/demo/workflows/greet')); i++) {
      commits = (await api<{ commits: { hash: string; message: string }[] }>('GET', '/api/v1/projects/demo/versions')).body.commits;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(commits[0]?.message).toBe('PUT /api/v1/projects/demo/workflows/greet');
    const diff = await api<{ diff: string }>('GET', `/api/v1/projects/demo/versions/diff?from=${first.version}&to=${commits[0]?.hash}`);
    expect(diff.body.diff).toContain('diff --git a/greet.json b/greet.json');
    expect(diff.body.diff).toMatch(/^-.*"message": "Hello, \{\{ trigger\.body\.name \}\}!"/m);
    expect(diff.body.diff).toMatch(/^\+.*"message": "Howdy, \{\{ trigger\.body\.name \}\}!"/m);
  });

  it('deploys a new version in place of the old one', async () => {
    second = await deploy();
    expect(second.status, second.logs).toBe('running');
    expect(second.version).not.toBe(first.version);
    expect(await callGreet(second.url as string)).toEqual({ message: 'Howdy, Ada!', auth: SECRET.length });
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();
  }, 120_000);

  it('keeps the previous deployment running when a deploy fails', async () => {
    const code = { id: 'calc', name: 'Calc', trigger: { type: 'manual' }, nodes: [{ id: 'start', type: 'trigger' }, { id: 'js', type: 'code', config: { code: 'return 1' } }], edges: [{ source: 'start', target: 'js' }] };
    expect((await api('POST', '/api/v1/projects/demo/workflows', code)).status).toBe(201);
    const failed = await deploy();
    expect(failed.status).toBe('failed');
    expect(failed.logs).toContain('a JavaScript code node cannot run in a Python export');
    expect(failed.logs).toContain(`the previous deployment ${second.id} keeps running`);
    expect(await callGreet(second.url as string)).toEqual({ message: 'Howdy, Ada!', auth: SECRET.length });
    expect((await api('DELETE', '/api/v1/projects/demo/workflows/calc')).status).toBeLessThan(300);
  }, 120_000);

  it('rolls back to an earlier deployment: its behaviour is back', async () => {
    const { status, body } = await api<{ deployment: Deployment & { rollbackOf: string } }>('POST', '/api/v1/projects/demo/deployments/targets/local/rollback', { deployment: first.id });
    expect(status).toBe(201);
    expect(body.deployment).toMatchObject({ status: 'running', version: first.version, rollbackOf: first.id });
    expect(await callGreet(body.deployment.url as string)).toEqual({ message: 'Hello, Ada!', auth: SECRET.length });
    const history = await api<{ deployments: Deployment[] }>('GET', '/api/v1/projects/demo/deployments/targets/local/history');
    expect(history.body.deployments.map((d) => d.status)).toEqual(['running', 'failed', 'replaced', 'replaced']);
  }, 120_000);

  it('turns down within one health interval after the app is killed', async () => {
    const { body } = await api<{ targets: { current: Deployment; health: { status: string } }[] }>('GET', '/api/v1/projects/demo/deployments');
    const pid = Number(/\(pid (\d+)\)/.exec(body.targets[0]?.current.logs ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 2));
    const before = (await api<{ checks: { status: string }[] }>('GET', '/api/v1/projects/demo/deployments/targets/local/health')).body.checks;
    expect(before.at(-1)?.status).toBe('healthy');
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    let down: { at: number; status: string } | undefined;
    for (let i = 0; i < 100 && !down; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const checks = (await api<{ checks: { at: number; status: string }[] }>('GET', '/api/v1/projects/demo/deployments/targets/local/health')).body.checks;
      down = checks.find((c) => c.at > killedAt);
    }
    expect(down?.status).toBe('down');
    // The first check after the kill says down; checks run every INTERVAL ms (plus scheduling slack under load).
    expect((down?.at ?? Infinity) - killedAt).toBeLessThan(INTERVAL + 2000);
    const summary = (await api<{ targets: { health: { status: string; uptimePercent: number; errorRate: number; appRuns: number; appErrorRate: number } }[] }>('GET', '/api/v1/projects/demo/deployments')).body.targets[0]?.health;
    expect(summary?.status).toBe('down');
    expect(summary?.uptimePercent).toBeLessThan(100);
    expect(summary?.errorRate).toBeGreaterThan(0);
    // The app sent its runs to the hub (the repository's Python SDK): each greet call above is one.
    expect(summary?.appRuns).toBeGreaterThan(0);
    expect(summary?.appErrorRate).toBe(0);
    expect(events.some((e) => e.project === 'demo' && e.status === 'down' && e.previous === 'healthy' && e.changed)).toBe(true);
  }, 60_000);

  it('generates the files of a platform it cannot reach, and says so', async () => {
    expect((await api('PUT', '/api/v1/projects/demo/deployments/targets/fly', { platform: 'fly', language: 'typescript' })).status).toBe(200);
    const generated = await deploy('fly');
    expect(generated.status).toBe('generated');
    expect(generated.logs).toContain('fly is not reachable from this hub: nothing was built or uploaded');
    expect(readFileSync(join(generated.folder, 'fly.toml'), 'utf8')).toContain('app = "demo"');
  });

  it('answers unknown targets and bad bodies with a clear 4xx', async () => {
    const missing = await api<{ error: { code: string } }>('POST', '/api/v1/projects/demo/deployments/targets/nope/deploy', {});
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'DEPLOY_TARGET_NOT_FOUND' } } });
    const bad = await api<{ error: { code: string; message: string } }>('PUT', '/api/v1/projects/demo/deployments/targets/x', { platform: 'heroku' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_BODY');
    expect(bad.body.error.message).toContain('platform');
  });

  it('starts its apps again when the hub restarts', async () => {
    await hub.close();
    hub = await startTestHub({ dataDir });
    let current: Deployment | undefined;
    for (let i = 0; i < 300 && !current?.logs.includes('started again after a hub restart'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      current = (await api<{ targets: { id: string; current: Deployment }[] }>('GET', '/api/v1/projects/demo/deployments')).body.targets.find((t) => t.id === 'local')?.current;
    }
    expect(current?.logs).toContain('started again after a hub restart');
    expect(await callGreet(current?.url as string)).toEqual({ message: 'Hello, Ada!', auth: SECRET.length });
  }, 120_000);
});
