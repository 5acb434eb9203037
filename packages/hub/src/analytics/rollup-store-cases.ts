import { describe, expect, it } from 'vitest';
import { bucketOf, emptyHistogram, encodeHistogram } from '../stats/log-histogram.js';
import { DAY, HOUR, MINUTE, type RollupDelta, type RollupStore } from './rollup-store.js';

/** One minute of one series: `durations` calls, the first `errors` of them failed. */
export function delta(bucket: number, durations: number[], over: Partial<RollupDelta> = {}, errors = 0): RollupDelta {
  const dense = emptyHistogram();
  for (const ms of durations) dense[bucketOf(ms)]!++;
  return {
    bucket, service: 'svc', name: 'fn', kind: 'function', model: '', calls: durations.length, errors,
    durationSumMs: durations.reduce((a, b) => a + b, 0), durationMaxMs: Math.max(0, ...durations),
    inputTokens: 0, outputTokens: 0, costUsd: 0, histogram: encodeHistogram(dense), ...over,
  };
}

const minute = (t: number) => Math.floor(t / MINUTE) * MINUTE;

/**
 * The cases every RollupStore passes (SQLite: analytics/sqlite/, PostgreSQL: analytics/postgres/),
 * like store-conformance.ts for SpanStore. `open` gives a store on an empty database.
 */
export function runRollupStoreConformance(name: string, open: () => Promise<RollupStore>): void {
  describe(`RollupStore conformance: ${name}`, { timeout: 60_000 }, () => {
    async function withStore(fn: (store: RollupStore) => Promise<void>): Promise<void> {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }

    it('adds deltas of the same minute and series: counts add, histograms merge into quantiles', () =>
      withStore(async (store) => {
        const t0 = minute(Date.now()) - 30 * MINUTE;
        const fast = Array.from({ length: 50 }, (_, i) => i + 1);
        const slow = Array.from({ length: 50 }, (_, i) => i + 51);
        await store.add([delta(t0, fast, {}, 5)]);
        await store.add([delta(t0, slow, {}, 5), delta(t0 + MINUTE, [1000], { name: 'other' })]);
        const series = await store.series({ from: t0, to: t0 + 5 * MINUTE, service: 'svc', name: 'fn' }, MINUTE);
        expect(series.t).toEqual([t0]);
        expect(series.calls).toEqual([100]);
        expect(series.errors).toEqual([10]);
        expect(series.totals.errorRate).toBeCloseTo(0.1);
        expect(series.totals.avgMs).toBeCloseTo(50.5);
        expect(series.totals.maxMs).toBe(100);
        expect(series.totals.p50Ms! / 50).toBeGreaterThan(0.95);
        expect(series.totals.p50Ms! / 50).toBeLessThan(1.05);
        expect(series.totals.p99Ms! / 99).toBeGreaterThan(0.95);
        const all = await store.series({ from: t0, to: t0 + 5 * MINUTE }, MINUTE);
        expect(all.calls).toEqual([100, 1]);
        expect(all.totals.maxMs).toBe(1000);
      }));

    it('answers totals of exactly a range and breakdowns by function, service, model and workflow', () =>
      withStore(async (store) => {
        const t0 = minute(Date.now()) - 2 * HOUR;
        await store.add([
          delta(t0, [10, 20], { service: 'a', name: 'f1' }, 1),
          delta(t0 + MINUTE, [500], { service: 'a', name: 'f2' }),
          delta(t0 + 2 * MINUTE, [2000, 2500], { service: 'b', name: 'chat', kind: 'llm', model: 'gpt-4o', inputTokens: 300, outputTokens: 40, costUsd: 0.25 }),
          delta(t0 + 3 * MINUTE, [90_000], { service: 'b', name: 'nightly', kind: 'workflow' }, 1),
        ]);
        expect((await store.totals({ from: t0, to: t0 + HOUR })).calls).toBe(6);
        expect((await store.totals({ from: t0 + MINUTE, to: t0 + 3 * MINUTE })).calls).toBe(3);
        const byFunction = await store.breakdown({ from: t0, to: t0 + HOUR, by: 'function', sort: 'p95', limit: 10 });
        expect(byFunction.map((r) => [r.service, r.name, r.calls])).toEqual([['b', 'nightly', 1], ['b', 'chat', 2], ['a', 'f2', 1], ['a', 'f1', 2]]);
        const byService = await store.breakdown({ from: t0, to: t0 + HOUR, by: 'service', sort: 'errors', limit: 10 });
        expect(byService.map((r) => [r.service, r.calls, r.errors])).toEqual([['a', 3, 1], ['b', 3, 1]]);
        const byModel = await store.breakdown({ from: t0, to: t0 + HOUR, by: 'model', sort: 'cost', limit: 10 });
        expect(byModel).toHaveLength(1);
        expect(byModel[0]).toMatchObject({ model: 'gpt-4o', calls: 2, inputTokens: 300, outputTokens: 40, costUsd: 0.25 });
        const workflows = await store.breakdown({ from: t0, to: t0 + HOUR, by: 'workflow', sort: 'calls', limit: 10 });
        expect(workflows.map((r) => [r.service, r.name, r.errors])).toEqual([['b', 'nightly', 1]]);
        expect((await store.breakdown({ from: t0, to: t0 + HOUR, by: 'function', sort: 'calls', limit: 1 }))).toHaveLength(1);
      }));

    it('answers long ranges from coarser tiers with the same totals, and keeps them after each tier is pruned', () =>
      withStore(async (store) => {
        const now = Date.now();
        const old = minute(now - 20 * DAY); // past minutes (2 days) and 10 minutes (14 days), within hours (90 days)
        const recent = minute(now - HOUR);
        await store.add([delta(old, [5]), delta(old + MINUTE, [50]), delta(recent, [7])]);
        const range = { from: old - DAY, to: now };
        const before = await store.series(range, DAY);
        expect(before.totals.calls).toBe(3);
        expect(await store.prune(now)).toBeGreaterThanOrEqual(3);
        expect((await store.series(range, DAY)).totals).toEqual(before.totals);
        // An old range with minute steps is answered from the hour that holds it.
        expect((await store.series({ from: old, to: old + 5 * MINUTE }, MINUTE)).totals.calls).toBe(2);
        expect((await store.totals({ from: recent, to: recent + MINUTE })).calls).toBe(1);
        expect((await store.totals({ from: recent + MINUTE, to: now })).calls).toBe(0);
        // 10-minute points over the last day: the recent call only.
        const day = await store.series({ from: now - DAY, to: now }, 10 * MINUTE);
        expect(day.calls.reduce((a, b) => a + b, 0)).toBe(1);
      }));
  });
}
