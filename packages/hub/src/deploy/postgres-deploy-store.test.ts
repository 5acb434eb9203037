import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { runDeployStoreConformance } from './deploy-store-cases.js';
import { PostgresDeployStore } from './postgres-deploy-store.js';

// One server for the file; each test opens a store on a fresh database.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

runDeployStoreConformance('postgres', async () => PostgresDeployStore.open(await server.createDatabase()));

describe('deployments shared by several hubs (PostgreSQL)', { timeout: 60_000 }, () => {
  it('measures leases on the database server\'s clock: a hub whose clock runs a minute fast agrees with the others', async () => {
    const url = await server.createDatabase();
    const real = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(real + 60_000); // this "host" is a minute ahead (and its clock stands still)
      const fast = await PostgresDeployStore.open(url);
      try {
        expect(Math.abs(fast.leaseClock() - real)).toBeLessThan(5_000);
      } finally {
        await fast.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives a lapsed deployment to one hub when three hubs, each with its own connections, claim it at once', async () => {
    const url = await server.createDatabase();
    const hubs = await Promise.all([PostgresDeployStore.open(url), PostgresDeployStore.open(url), PostgresDeployStore.open(url)]);
    try {
      const now = Date.now();
      await hubs[0]!.putDeployment({
        id: 'd1', project: 'demo', target: 'local', platform: 'local', language: 'python', version: 'abc', startedAt: now - 1000, endedAt: null,
        durationMs: null, status: 'running', logs: '', url: null, folder: '/x', rollbackOf: null, owner: 'dead-hub', leaseUntil: now - 1,
      });
      for (let round = 0; round < 5; round++) {
        const at = now + round * 100_000; // each round the previous winner's lease has lapsed
        const won = await Promise.all(hubs.flatMap((store, i) => [store.claim('d1', `hub-${i}`, at, 50_000), store.claim('d1', `hub-${i}`, at, 50_000)]));
        const owners = new Set(won.filter(Boolean).map((d) => d!.owner));
        expect(owners.size).toBe(1);
        expect((await hubs[1]!.deployment('d1'))?.owner).toBe([...owners][0]);
      }
    } finally {
      await Promise.all(hubs.map((s) => s.close()));
    }
  });
});
