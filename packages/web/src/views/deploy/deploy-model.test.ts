import { describe, expect, it } from 'vitest';
import { formatMs, formatPercent, healthBars, ownerLabel } from './deploy-model';

describe('the deploy view model', () => {
  it('formats durations and shares', () => {
    expect([formatMs(null), formatMs(42.4), formatMs(1234)]).toEqual(['—', '42 ms', '1.2 s']);
    expect([formatPercent(null), formatPercent(100), formatPercent(97.25)]).toEqual(['—', '100 %', '97.3 %']);
  });

  it('scales health bars by the slowest check; a down check is a full bar', () => {
    const bars = healthBars([
      { at: 1, status: 'healthy', responseMs: 10 },
      { at: 2, status: 'degraded', responseMs: 40 },
      { at: 3, status: 'down', responseMs: null },
    ]);
    expect(bars.map((b) => [b.status, b.height])).toEqual([
      ['healthy', 0.25],
      ['degraded', 1],
      ['down', 1],
    ]);
    expect(healthBars(Array.from({ length: 100 }, (_, i) => ({ at: i, status: 'healthy' as const, responseMs: 1 }))).length).toBe(60);
  });

  it('says which hub runs the app of a target (scaled mode: its owner)', () => {
    expect(ownerLabel(null)).toBeNull();
    expect(ownerLabel({ hub: 'h1-12-ab', live: true, thisHub: true })).toBe('runs on this hub');
    expect(ownerLabel({ hub: 'h2-7-cd', live: true, thisHub: false })).toBe('runs on hub h2-7-cd');
    expect(ownerLabel({ hub: 'h2-7-cd', live: false, thisHub: false })).toContain('hub h2-7-cd stopped renewing its lease');
  });
});
