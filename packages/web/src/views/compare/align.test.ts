import { describe, expect, it } from 'vitest';
import { alignSteps, type StepKey } from './align';

const steps = (text: string): StepKey[] => text.split(' ').filter(Boolean).map((t) => ({ kind: t[0] === 'T' ? 'tool' : 'llm', name: t }));

describe('alignSteps', () => {
  it('matches equal runs row by row, with no divergence', () => {
    const run = steps('L1 Tsearch L2');
    expect(alignSteps(run, run)).toEqual({ rows: [{ left: 0, right: 0 }, { left: 1, right: 1 }, { left: 2, right: 2 }], firstDivergence: null });
  });

  it('shows a step added in one run as a gap and keeps the later steps paired', () => {
    const { rows, firstDivergence } = alignSteps(steps('L1 Tsearch L2 Tanswer'), steps('L1 Tsearch Tfetch L2 Tanswer'));
    expect(rows).toEqual([
      { left: 0, right: 0 },
      { left: 1, right: 1 },
      { left: null, right: 2 },
      { left: 2, right: 3 },
      { left: 3, right: 4 },
    ]);
    expect(firstDivergence).toBe(2);
  });

  it('aligns by kind and name: a tool and an LLM call of the same name are different steps', () => {
    const left = [{ kind: 'tool', name: 'plan' }];
    const right = [{ kind: 'llm', name: 'plan' }];
    expect(alignSteps(left, right).rows).toEqual([{ left: 0, right: null }, { left: null, right: 0 }]);
  });

  it('handles empty runs and keeps every step of both runs exactly once', () => {
    expect(alignSteps([], [])).toEqual({ rows: [], firstDivergence: null });
    expect(alignSteps(steps('L1'), []).rows).toEqual([{ left: 0, right: null }]);
    const left = steps('L1 Ta Tb L2 Tc L3');
    const right = steps('L1 Tb Ta L2 L3 Td');
    const { rows } = alignSteps(left, right);
    expect(rows.filter((r) => r.left !== null).map((r) => r.left)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.filter((r) => r.right !== null).map((r) => r.right)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.filter((r) => r.left !== null && r.right !== null)).toHaveLength(4); // L1, one of Ta/Tb, L2, L3
  });

  it('pairs the shared start and end without the LCS table, and pairs a too-long middle by position, saying so', () => {
    const shared = Array.from({ length: 3_000 }, (_, i) => ({ kind: 'llm', name: `s${i}` }));
    const left = [...shared, { kind: 'tool', name: 'x' }, ...shared];
    const right = [...shared, { kind: 'tool', name: 'y' }, { kind: 'tool', name: 'z' }, ...shared];
    const big = alignSteps(left, right); // 6,001 × 6,002 steps: a 144 M-cell table without the trimming
    expect(big.rows).toHaveLength(6_003);
    expect(big.firstDivergence).toBe(3_000);
    expect(big.byPosition).toBeUndefined();
    expect(big.rows.slice(2_999, 3_004)).toEqual([
      { left: 2_999, right: 2_999 },
      { left: 3_000, right: null },
      { left: null, right: 3_000 },
      { left: null, right: 3_001 },
      { left: 3_001, right: 3_002 },
    ]);
    const capped = alignSteps(steps('L1 Ta Tb L2'), steps('L1 Tb Ta L2'), 4);
    expect(capped.byPosition).toBe(true);
    expect(capped.rows).toEqual([
      { left: 0, right: 0 },
      { left: 1, right: null },
      { left: null, right: 1 },
      { left: 2, right: null },
      { left: null, right: 2 },
      { left: 3, right: 3 },
    ]);
  });
});
