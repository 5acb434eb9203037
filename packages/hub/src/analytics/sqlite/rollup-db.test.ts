import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bucketOf, emptyHistogram, encodeHistogram } from '../../stats/log-histogram.js';
import { DAY, HOUR, MINUTE, type RollupDelta } from '../rollup-store.js';
import { RollupDb } from './rollup-db.js';

function delta(bucket: number, durationMs: number): RollupDelta {
  const dense = emptyHistogram();
  dense[bucketOf(durationMs)] = 1;
  return { bucket, service: 'svc', name: 'fn', kind: 'function', model: '', calls: 1, errors: 0, durationSumMs: durationMs, durationMaxMs: durationMs, inputTokens: 0, outputTokens: 0, costUsd: 0, histogram: encodeHistogram(dense) };
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
});
