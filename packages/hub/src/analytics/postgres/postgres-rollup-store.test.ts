import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { delta, runRollupStoreConformance } from '../rollup-store-cases.js';
import { MINUTE } from '../rollup-store.js';
import { PostgresRollupStore } from './postgres-rollup-store.js';

// One server for the file; each test opens a store on a fresh database.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

runRollupStoreConformance('postgres', async () => PostgresRollupStore.open(await server.createDatabase()));

describe('PostgreSQL rollups shared by several hubs', { timeout: 60_000 }, () => {
  it('adds two hubs’ deltas of the same rows, written at the same time, and counts a span id once across hubs', async () => {
    const url = await server.createDatabase();
    const [a, b] = await Promise.all([PostgresRollupStore.open(url), PostgresRollupStore.open(url)]);
    try {
      const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
      const writes = [];
      for (let i = 0; i < 20; i++) {
        // Same series and minutes from both hubs, in opposite orders: additive, no deadlock lost.
        writes.push(a.add([delta(t0, [10], {}, 1), delta(t0 + MINUTE, [20])]));
        writes.push(b.add([delta(t0 + MINUTE, [30]), delta(t0, [40])]));
      }
      await Promise.all(writes);
      const series = await a.series({ from: t0, to: t0 + 2 * MINUTE }, MINUTE);
      expect(series.calls).toEqual([40, 40]);
      expect(series.errors).toEqual([20, 0]);
      expect(series.totals.maxMs).toBe(40);
      expect(await b.totals({ from: t0, to: t0 + 2 * MINUTE })).toEqual(series.totals);

      const now = Date.now();
      const [first, second] = await Promise.all([a.claim(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], now), b.claim(['bbbbbbbbbbbbbbbb', 'cccccccccccccccc'], now)]);
      const winners = [...first, ...second].sort();
      expect(winners).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc']);
      expect([...(await a.claim(['cccccccccccccccc'], now))]).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
