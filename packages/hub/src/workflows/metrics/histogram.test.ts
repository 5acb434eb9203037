import { describe, expect, it } from 'vitest';
import { addTo, binOf, binValue, percentile, type Histogram } from './histogram.js';

function histogramOf(durations: number[]): Histogram {
  const h: Histogram = {};
  for (const d of durations) h[binOf(d)] = (h[binOf(d)] ?? 0) + 1;
  return h;
}

describe('duration histogram', () => {
  it('reports percentiles within 10 % of the exact value', () => {
    const durations = Array.from({ length: 1000 }, (_, i) => 5 + i * 3); // 5 … 3002 ms
    const h = histogramOf(durations);
    const exact = (p: number) => [...durations].sort((a, b) => a - b)[Math.ceil(p * durations.length) - 1]!;
    for (const p of [0.5, 0.95, 0.99]) {
      const got = percentile(h, p)!;
      expect(Math.abs(got - exact(p)) / exact(p), `p${p * 100}: ${got} vs ${exact(p)}`).toBeLessThan(0.1);
    }
  });

  it('merges histograms of several buckets as if they were one', () => {
    const a = histogramOf([10, 20, 30]);
    const b = histogramOf([4000, 5000]);
    const merged = addTo(addTo({}, a), b);
    expect(percentile(merged, 0.5)).toBeCloseTo(binValue(binOf(30)), 1);
    expect(percentile(merged, 1)).toBeGreaterThan(4500);
  });

  it('has no percentile when empty, and puts sub-millisecond runs in the first bin', () => {
    expect(percentile({}, 0.5)).toBeNull();
    expect(binOf(0)).toBe(0);
    expect(binOf(0.4)).toBe(0);
    expect(binOf(1e15)).toBeLessThanOrEqual(130);
  });
});
