import { HubError } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { DeployCommands } from './deploy-commands.js';
import type { Deployer } from './deployer.js';
import type { HealthMonitor } from './health-monitor.js';
import { PostgresDeployChannel } from './postgres-deploy-channel.js';
import { PostgresDeployStore } from './postgres-deploy-store.js';

// The deploy channel between hubs on a real PostgreSQL: asks reach the hub they name and come back
// answered (cut to fit a notification), and an ask to a hub that died ends once its lease does.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

describe('PostgresDeployChannel', { timeout: 60_000 }, () => {
  it('carries an ask to the hub it names and its answer back, only to the asker', async () => {
    const url = await server.createDatabase();
    const [a, b, c] = await Promise.all(['hub-a', 'hub-b', 'hub-c'].map((hub) => PostgresDeployChannel.open(url, hub)));
    try {
      const asked: string[] = [];
      for (const [name, channel] of [['hub-a', a], ['hub-b', b], ['hub-c', c]] as const) {
        channel!.serve(async (command, from) => {
          asked.push(`${name} <- ${from}: ${command.op}`);
          // A refusal with a long message (a build log): cut so that the notification fits in 8,000 bytes.
          return command.op === 'check' ? { hub: name, error: { code: 'DEPLOY_TARGET_NOT_FOUND', message: `no target "nope" ${'x'.repeat(20_000)}` } } : { hub: name, deployment: 'd1' };
        });
      }
      const [stop, check] = await Promise.all([
        b!.ask('hub-a', { op: 'stop', project: 'demo', target: 'local' }, AbortSignal.timeout(20_000)),
        c!.ask('hub-a', { op: 'check', project: 'demo', target: 'nope' }, AbortSignal.timeout(20_000)),
      ]);
      expect(stop).toEqual({ hub: 'hub-a', deployment: 'd1' });
      expect(check.error).toMatchObject({ code: 'DEPLOY_TARGET_NOT_FOUND' });
      expect(check.error!.message.length).toBeLessThan(2000);
      expect(asked.sort()).toEqual(['hub-a <- hub-b: stop', 'hub-a <- hub-c: check']);
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
