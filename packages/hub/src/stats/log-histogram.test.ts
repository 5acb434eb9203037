import { describe, expect, it } from 'vitest';
import { bucketOf, emptyHistogram, quantile, quantiles } from './log-histogram.js';

describe('log histogram quantiles', () => {
  it('answers several quantiles in one pass exactly as one at a time', () => {
    const dense = emptyHistogram();
    for (let i = 1; i <= 1000; i++) dense[bucketOf((i * 7919) % 5000)]! += 1 + (i % 3);
    const qs = [0.01, 0.5, 0.95, 0.99, 1];
    expect(quantiles(dense, qs, 4000)).toEqual(qs.map((q) => quantile(dense, q, 4000)));
    expect(quantiles(emptyHistogram(), [0.5, 0.99])).toEqual([null, null]);
    const one = emptyHistogram();
    one[bucketOf(250)] = 1;
    expect(quantiles(one, [0.5, 0.95, 0.99], 250)).toEqual([250, 250, 250].map((cap) => quantile(one, 0.5, cap)));
  });
});
