import { HubError } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { DeployCommands } from './deploy-commands.js';
import type { Deployer } from './deployer.js';
import type { HealthMonitor } from './health-monitor.js';
import type { DeploymentHealthEvent } from './health-events.js';
import { PostgresDeployChannel } from './postgres-deploy-channel.js';
import { PostgresDeployStore } from './postgres-deploy-store.js';

// The deploy channel between hubs on a real PostgreSQL: asks reach the hub they name and come back
// answered, health events reach every other hub, and an ask to a hub that died ends once its lease does.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

const event = (deployment: string): DeploymentHealthEvent => ({
  project: 'demo', target: 'local', deployment, url: 'http://127.0.0.1:9', status: 'down', previous: 'healthy', changed: true, at: Date.now(), responseMs: null, error: 'x'.repeat(20_000),
});

describe('PostgresDeployChannel', { timeout: 60_000 }, () => {
  it('carries an ask to the hub it names and its answer back; health events to every other hub', async () => {
    const url = await server.createDatabase();
    const [a, b, c] = await Promise.all(['hub-a', 'hub-b', 'hub-c'].map((hub) => PostgresDeployChannel.open(url, hub)));
    try {
      const asked: string[] = [];
      for (const [name, channel] of [['hub-a', a], ['hub-b', b], ['hub-c', c]] as const) {
        channel!.serve(async (command, from) => {
          asked.push(`${name} <- ${from}: ${command.op}`);
          return command.op === 'check' ? { hub: name, error: { code: 'DEPLOY_TARGET_NOT_FOUND', message: 'no target "nope"' } } : { hub: name, deployment: 'd1' };
        });
      }
      const answer = await b!.ask('hub-a', { op: 'stop', project: 'demo', target: 'local' }, AbortSignal.timeout(20_000));
      expect(answer).toEqual({ hub: 'hub-a', deployment: 'd1' });
      expect(await c!.ask('hub-a', { op: 'check', project: 'demo', target: 'nope' }, AbortSignal.timeout(20_000))).toMatchObject({ error: { code: 'DEPLOY_TARGET_NOT_FOUND' } });
      expect(asked).toEqual(['hub-a <- hub-b: stop', 'hub-a <- hub-c: check']);

      const heard: Record<string, DeploymentHealthEvent[]> = { a: [], b: [], c: [] };
      a!.onHealth((e) => heard.a!.push(e));
      b!.onHealth((e) => heard.b!.push(e));
      c!.onHealth((e) => heard.c!.push(e));
      await a!.publishHealth(event('d1')); // its error text is cut to fit a notification
      await new Promise((resolve) => setTimeout(resolve, 500));
      await b!.publishHealth(event('d2'));
      const deadline = Date.now() + 20_000;
      while ((heard.a!.length < 1 || heard.b!.length < 1 || heard.c!.length < 2) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard.a!.map((e) => e.deployment)).toEqual(['d2']);
      expect(heard.b!.map((e) => e.deployment)).toEqual(['d1']);
      expect(heard.c!.map((e) => e.deployment)).toEqual(['d1', 'd2']);
      expect(heard.c![0]!.error!.length).toBeLessThan(2000);
    } finally {
      await Promise.all([a, b, c].map((channel) => channel!.close()));
    }
  });

  it('ends a request to an owner that died once its lease runs out, saying so (DEPLOY_OWNER_UNREACHABLE)', async () => {
    const url = await server.createDatabase();
    const store = await PostgresDeployStore.open(url);
    const dead = await PostgresDeployChannel.open(url, 'hub-dead');
    await dead.close(); // gone: nothing answers for it any more
    const channel = await PostgresDeployChannel.open(url, 'hub-b');
    try {
      const now = Date.now();
      await store.putTarget({ project: 'demo', id: 'local', platform: 'local', language: 'python', healthIntervalMs: 60_000, createdAt: now });
      await store.putDeployment({
        id: 'd1', project: 'demo', target: 'local', platform: 'local', language: 'python', version: 'abc', startedAt: now, endedAt: null, durationMs: null,
        status: 'running', logs: '', url: null, folder: '/x', rollbackOf: null, owner: 'hub-dead', leaseUntil: now + 1500,
      });
      // Hub B's side only: the command goes to the owner, so this hub's deployer and monitor are not used.
      const commands = new DeployCommands({ store, deployer: { hub: 'hub-b' } as Deployer, monitor: {} as HealthMonitor, channel });
      const failure = await commands.run({ op: 'stop', project: 'demo', target: 'local' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(HubError);
      expect(failure).toMatchObject({ code: 'DEPLOY_OWNER_UNREACHABLE', status: 503 });
      expect((failure as Error).message).toContain('went to hub hub-dead, which runs its deployment: hub hub-dead stopped renewing its lease on deployment d1');
    } finally {
      await channel.close();
      await store.close();
    }
  });
});
