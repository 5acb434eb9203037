import { describe, expect, it } from 'vitest';
import type { Deployment, DeployStore, HealthCheck } from './deploy-store.js';

const deployment = (id: string, startedAt: number, fields: Partial<Deployment> = {}): Deployment => ({
  id, project: 'demo', target: 'local', platform: 'local', language: 'python', version: 'a'.repeat(40), startedAt,
  endedAt: null, durationMs: null, status: 'running', logs: 'started', url: 'http://127.0.0.1:9', folder: `/data/deployments/demo/local/${id}`,
  rollbackOf: null, owner: 'hub-a', leaseUntil: startedAt + 1000, ...fields,
});

const check = (at: number, status: HealthCheck['status']): HealthCheck => ({ project: 'demo', target: 'local', deployment: 'd1', at, status, responseMs: status === 'down' ? null : 3.5, uptimeSeconds: null, error: status === 'down' ? 'no answer' : null });

/**
 * The cases every DeployStore passes (SQLite: sqlite-deploy-store.ts, PostgreSQL:
 * postgres-deploy-store.ts). `open` gives a store on an empty database.
 */
export function runDeployStoreConformance(name: string, open: () => Promise<DeployStore>): void {
  describe(`DeployStore conformance: ${name}`, { timeout: 60_000 }, () => {
    async function withStore(fn: (store: DeployStore) => Promise<void>): Promise<void> {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }

    it('keeps targets, changes one in place (its creation time stays) and deletes one', () =>
      withStore(async (store) => {
        await store.putTarget({ project: 'b', id: 'fly', platform: 'fly', language: 'typescript', healthIntervalMs: 1000, createdAt: 5 });
        const saved = await store.putTarget({ project: 'a', id: 'local', platform: 'local', language: 'python', healthIntervalMs: 60_000, createdAt: 1 });
        expect(saved).toEqual({ project: 'a', id: 'local', platform: 'local', language: 'python', healthIntervalMs: 60_000, createdAt: 1 });
        expect(await store.putTarget({ ...saved, healthIntervalMs: 500, createdAt: 99 })).toMatchObject({ healthIntervalMs: 500, createdAt: 1 });
        expect((await store.targets()).map((t) => `${t.project}/${t.id}`)).toEqual(['a/local', 'b/fly']);
        expect((await store.targets('b')).map((t) => t.id)).toEqual(['fly']);
        await store.deleteTarget('b', 'fly');
        expect(await store.target('b', 'fly')).toBeUndefined();
        expect(await store.targets()).toHaveLength(1);
      }));

    it('records deployments, newest first, and the newest of each target in given statuses', () =>
      withStore(async (store) => {
        expect(await store.putDeployment(deployment('d1', 100, { status: 'replaced' }))).toBe(true);
        expect(await store.putDeployment(deployment('d2', 200))).toBe(true);
        expect(await store.putDeployment(deployment('d3', 300, { status: 'failed', owner: 'hub-b' }))).toBe(true);
        expect(await store.putDeployment(deployment('e1', 150, { target: 'other', status: 'stopped' }))).toBe(true);
        expect((await store.history('demo', 'local')).map((d) => d.id)).toEqual(['d3', 'd2', 'd1']);
        expect((await store.history('demo', 'local', 2)).map((d) => d.id)).toEqual(['d3', 'd2']);
        expect(await store.deployment('d2')).toEqual(deployment('d2', 200));
        expect(await store.deployment('nope')).toBeUndefined();
        expect((await store.latest(['running', 'stopped'])).map((d) => d.id)).toEqual(['d2', 'e1']);
        expect((await store.latest(['running', 'stopped', 'failed'], 'demo')).map((d) => d.id)).toEqual(['d3', 'e1']);
        expect(await store.latest(['running'], 'elsewhere')).toEqual([]);
      }));

    it('lets only the owner change a deployment; owner and lease change only by claim', () =>
      withStore(async (store) => {
        await store.putDeployment(deployment('d1', 100));
        expect(await store.putDeployment(deployment('d1', 100, { status: 'stopped', logs: 'stopped by a', endedAt: 150, durationMs: 50 }))).toBe(true);
        expect(await store.deployment('d1')).toMatchObject({ status: 'stopped', logs: 'stopped by a', endedAt: 150, owner: 'hub-a', leaseUntil: 1100 });
        // A stale copy held by another hub writes nothing.
        expect(await store.putDeployment(deployment('d1', 100, { owner: 'hub-b', status: 'failed', leaseUntil: 9999 }))).toBe(false);
        expect(await store.deployment('d1')).toMatchObject({ status: 'stopped', owner: 'hub-a', leaseUntil: 1100 });
      }));

    it('claims: an unowned or lapsed deployment is taken, a live lease held by another hub is not; renew and release', () =>
      withStore(async (store) => {
        await store.putDeployment(deployment('d1', 100, { owner: null, leaseUntil: null }));
        expect(await store.claim('d1', 'hub-a', 1000, 500)).toMatchObject({ id: 'd1', owner: 'hub-a', leaseUntil: 1500 });
        expect(await store.claim('d1', 'hub-b', 1400, 500)).toBeUndefined();
        expect(await store.claim('d1', 'hub-a', 1400, 500)).toMatchObject({ owner: 'hub-a', leaseUntil: 1900 });
        expect(await store.renew('hub-a', 1800, 500)).toEqual(['d1']);
        expect(await store.claim('d1', 'hub-b', 2200, 500)).toBeUndefined(); // renewed until 2300
        expect((await store.claimable('hub-b', 2200)).map((d) => d.id)).toEqual([]);
        expect((await store.claimable('hub-a', 2200)).map((d) => d.id)).toEqual(['d1']); // its own
        expect((await store.claimable('hub-b', 2400)).map((d) => d.id)).toEqual(['d1']); // lapsed
        expect(await store.claim('d1', 'hub-b', 2400, 500)).toMatchObject({ owner: 'hub-b', leaseUntil: 2900 });
        // The old owner's renewal no longer covers it, and its stale writes change nothing.
        expect(await store.renew('hub-a', 2500, 500)).toEqual([]);
        expect(await store.putDeployment(deployment('d1', 100, { status: 'stopped' }))).toBe(false);
        await store.release('hub-b');
        expect(await store.claim('d1', 'hub-c', 2500, 500)).toMatchObject({ owner: 'hub-c' });
        // Disowned: claimable by any hub, and its old owner's renewal no longer covers it.
        await store.disown('d1', 'hub-b'); // not hub-b's: nothing changes
        expect((await store.deployment('d1'))?.owner).toBe('hub-c');
        await store.disown('d1', 'hub-c');
        expect(await store.deployment('d1')).toMatchObject({ owner: null, leaseUntil: null });
        expect(await store.renew('hub-c', 2600, 500)).toEqual([]);
        expect((await store.claimable('hub-a', 2600)).map((d) => d.id)).toEqual(['d1']);
        expect(await store.claim('d1', 'hub-a', 2600, 500)).toMatchObject({ owner: 'hub-a' });
        // Only the statuses asked for; a replaced deployment is claimed by nobody.
        await store.putDeployment(deployment('d2', 200, { status: 'replaced', owner: null, leaseUntil: null }));
        expect(await store.claim('d2', 'hub-a', 3000, 500)).toBeUndefined();
        expect(await store.claim('d1', 'hub-c', 3000, 500, ['stopped'])).toBeUndefined();
      }));

    it('lists as claimable only local deployments that should run or were being deployed', () =>
      withStore(async (store) => {
        await store.putDeployment(deployment('run', 100, { leaseUntil: 0 }));
        await store.putDeployment(deployment('dep', 110, { status: 'deploying', leaseUntil: 0 }));
        await store.putDeployment(deployment('stop', 120, { status: 'stopped', leaseUntil: 0 }));
        await store.putDeployment(deployment('fly', 130, { platform: 'fly', status: 'generated', leaseUntil: 0 }));
        await store.putDeployment(deployment('live', 140, { owner: 'hub-b', leaseUntil: 10_000 }));
        expect((await store.claimable('hub-c', 1000)).map((d) => d.id)).toEqual(['run', 'dep']);
      }));

    it('gives a lapsed deployment to exactly one of several hubs claiming at once', () =>
      withStore(async (store) => {
        await store.putDeployment(deployment('d1', 100, { leaseUntil: 500 }));
        const won = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claim('d1', `hub-${i}`, 1000, 5000)));
        expect(won.filter(Boolean)).toHaveLength(1);
        expect((await store.deployment('d1'))?.owner).toBe(won.find(Boolean)?.owner);
      }));

    it('measures leases on a clock close to this host\'s (the same machine here)', () =>
      withStore(async (store) => {
        expect(Math.abs(store.leaseClock() - Date.now())).toBeLessThan(5_000);
      }));

    it('keeps health checks a week, oldest first, and answers the last one', () =>
      withStore(async (store) => {
        const day = 86_400_000;
        await store.addCheck(check(1_000, 'healthy'));
        await store.addCheck(check(2_000, 'down'));
        await store.addCheck({ ...check(2_500, 'healthy'), target: 'other' });
        expect((await store.checks('demo', 'local', 0)).map((c) => [c.at, c.status])).toEqual([[1_000, 'healthy'], [2_000, 'down']]);
        expect(await store.checks('demo', 'local', 1_500)).toEqual([check(2_000, 'down')]);
        expect(await store.lastCheck('demo', 'local')).toEqual(check(2_000, 'down'));
        expect(await store.lastCheck('demo', 'none')).toBeUndefined();
        await store.addCheck(check(8 * day, 'degraded'));
        expect((await store.checks('demo', 'local', 0)).map((c) => c.at)).toEqual([8 * day]);
      }));
  });
}
