import { describe, expect, it } from 'vitest';
import { formatCost, formatUsd } from './format';

describe('formatUsd', () => {
  it.each([
    [null, '—'],
    [0, '$0'],
    [12.3456, '$12.35'],
    [0.01, '$0.01'],
    [0.0042, '$0.0042'],
    [0.00004, '$0.000040'],
    [0.0000123, '$0.000012'],
    [2e-7, '$0.00000020'],
  ])('%s → %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});

describe('formatCost', () => {
  it('marks a roll-up with unpriced calls as partial and says why', () => {
    expect(formatCost({ costUsd: 0.19, unpricedCalls: 0, costPartial: false })).toEqual({ text: '$0.19' });
    expect(formatCost({ costUsd: 0.19, unpricedCalls: 3, costPartial: true })).toEqual({
      text: '$0.19+ partial',
      title: 'at least $0.19: 3 calls without a price (model not in the price table)',
    });
    expect(formatCost({ costUsd: null, unpricedCalls: 1, costPartial: true }).text).toBe('no price');
  });
});
