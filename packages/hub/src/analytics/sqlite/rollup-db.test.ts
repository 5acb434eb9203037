import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bucketOf, emptyHistogram, encodeHistogram } from '../../stats/log-histogram.js';
import { DAY, HOUR, MINUTE, type RollupDelta } from '../rollup-store.js';
import { RollupDb } from './rollup-db.js';

function delta(bucket: number, durationMs: number, service = 'svc', name = 'fn'): RollupDelta {
  const dense = emptyHistogram();
  dense[bucketOf(durationMs)] = 1;
  return { bucket, service, name, kind: 'function', model: '', calls: 1, errors: 0, durationSumMs: durationMs, durationMaxMs: durationMs, inputTokens: 0, outputTokens: 0, costUsd: 0, histogram: encodeHistogram(dense) };
}

describe('RollupDb', () => {
  it('prunes each tier past its retention while coarser tiers keep the totals', () => {
    const db = new RollupDb(new Database(':memory:'));
    const now = Date.UTC(2026, 10, 30, 12);
    const old = now - 20 * DAY; // past minutes (2 days) and 10 minutes (14 days), within hours (90 days)
    db.add([delta(old, 5), delta(old + MINUTE, 50), delta(now - HOUR, 7)]);
    const before = db.series({ from: old - DAY, to: now }, DAY, now).totals;
    expect(db.prune(now)).toBe(3); // the old calls: two minute rows and the one 10-minute row holding both
    const after = db.series({ from: old - DAY, to: now }, DAY, now).totals;
    expect(after).toEqual(before);
    expect(after.calls).toBe(3);
    // Alert windows: exactly the range, edges from finer tiers.
    expect(db.totals({ from: now - HOUR - 30 * MINUTE, to: now }, now).calls).toBe(1);
    expect(db.totals({ from: now - HOUR + MINUTE, to: now }, now).calls).toBe(0);
    // An old range with minute steps is answered from the hour that holds it.
    expect(db.series({ from: old, to: old + 5 * MINUTE }, MINUTE, now).totals.calls).toBe(2);
  });

  it('answers charts of all services or one from the pre-merged rows exactly as from the series rows, also for a file written before they existed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rh-rollups-')), 'analytics.sqlite');
    const now = Date.UTC(2026, 10, 30, 12);
    const deltas = [delta(now - 3 * HOUR, 5, 'a', 'f1'), delta(now - 3 * HOUR, 80, 'a', 'f2'), delta(now - 2 * HOUR + MINUTE, 700, 'b', 'f1'), delta(now - 10 * MINUTE, 3, 'b', 'f3')];
    // A file as the previous version wrote it: only the series rows.
    const old = new Database(file);
    new RollupDb(old).add(deltas.slice(0, 3));
    old.exec('DROP TABLE rollup_totals');
    old.close();
    const db = new RollupDb(new Database(file));
    db.add(deltas.slice(3));
    const range = { from: now - DAY, to: now };
    const all = db.series(range, 10 * MINUTE, now);
    expect(all.totals.calls).toBe(4);
    // The same sums from the series rows: per function, then merged by hand.
    const perFunction = db.breakdown({ ...range, by: 'function', sort: 'calls', limit: 10 }, now);
    expect(perFunction.reduce((n, r) => n + r.calls, 0)).toBe(4);
    expect(all.totals.maxMs).toBe(700);
    expect(all.totals.p50Ms).toBe(db.series({ ...range, kind: 'function' }, 10 * MINUTE, now).totals.p50Ms);
    expect(all.calls.filter((n) => n > 0)).toEqual([2, 1, 1]);
    const b = db.series({ ...range, service: 'b' }, HOUR, now);
    expect(b.totals).toEqual(db.series({ ...range, service: 'b', kind: 'function' }, HOUR, now).totals);
    expect(db.breakdown({ ...range, by: 'service', sort: 'calls', limit: 10 }, now).map((r) => [r.service, r.calls])).toEqual([['a', 2], ['b', 2]]);
  });
});
