import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { delta, runRollupStoreConformance } from '../rollup-store-cases.js';
import { MINUTE } from '../rollup-store.js';
import { createPool } from '../../store/postgres/pool.js';
import { migrate } from '../../store/postgres/migrate.js';
import { MIGRATIONS } from '../../store/postgres/migrations.js';
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

  it('keeps rollups written before histograms were stored sparse (migration 6): same calls and quantiles, per series and pre-merged', async () => {
    const url = await server.createDatabase();
    const pool = createPool(url);
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
    try {
      await migrate(pool, MIGRATIONS.filter((m) => m.version < 6));
      // Rows as migration 4 stored them: a bigint[] subscripted by bucket index (buckets 80 and 82).
      for (const [service, hist] of [['a', '[80:82]={3,0,1}'], ['b', '[81:81]={2}']]) {
        await pool.query(
          `INSERT INTO analytics_rollups VALUES ($1, $2, $3, 'fn', 'function', '', $4, 1, 40, 20, 0, 0, 0, $5::bigint[])`,
          [MINUTE, t0, service, service === 'a' ? 4 : 2, hist],
        );
      }
    } finally {
      await pool.end();
    }
    const store = await PostgresRollupStore.open(url);
    try {
      const range = { from: t0, to: t0 + MINUTE };
      const all = await store.series(range, MINUTE);
      expect(all.calls).toEqual([6]);
      const perSeries = await store.series({ ...range, kind: 'function' }, MINUTE);
      expect(perSeries.totals).toEqual(all.totals);
      expect((await store.series({ ...range, service: 'b' }, MINUTE)).totals.calls).toBe(2);
      await store.add([delta(t0, [20])]); // and new deltas merge into the converted rows
      expect((await store.series(range, MINUTE)).calls).toEqual([7]);
    } finally {
      await store.close();
    }
  });
});
