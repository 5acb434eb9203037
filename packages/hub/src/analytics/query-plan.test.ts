import { describe, expect, it } from 'vitest';
import { planSegments, tierForStep } from './query-plan.js';
import { DAY, HOUR, MINUTE } from './rollup-store.js';

const now = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('planSegments', () => {
  it('reads whole hours from hour rows and the ragged edges from 10-minute and minute rows', () => {
    const from = now - 3 * HOUR - 25 * MINUTE; // 08:35
    const to = now - 7 * MINUTE; // 11:53
    expect(planSegments(from, to, DAY, now)).toEqual([
      { res: MINUTE, from, to: from + 5 * MINUTE }, // 08:35–08:40
      { res: 10 * MINUTE, from: from + 5 * MINUTE, to: now - 3 * HOUR }, // 08:40–09:00
      { res: HOUR, from: now - 3 * HOUR, to: now - HOUR }, // 09:00–11:00
      { res: 10 * MINUTE, from: now - HOUR, to: now - 10 * MINUTE }, // 11:00–11:50
      { res: MINUTE, from: now - 10 * MINUTE, to }, // 11:50–11:53
    ]);
  });

  it('widens edges older than a tier keeps to the coarser bucket that holds them', () => {
    const from = now - 20 * DAY - 90 * MINUTE;
    const to = now - 20 * DAY + 30 * MINUTE;
    // 10-minute rows are kept 14 days, minutes 2: only hour rows remain this far back.
    expect(planSegments(from, to, DAY, now)).toEqual([
      { res: HOUR, from: now - 20 * DAY - 2 * HOUR, to: now - 20 * DAY - HOUR },
      { res: HOUR, from: now - 20 * DAY - HOUR, to: now - 20 * DAY },
      { res: HOUR, from: now - 20 * DAY, to: now - 20 * DAY + HOUR },
    ]);
  });

  it('picks the coarsest tier that fits a step, or one that still holds an old range', () => {
    const recent = now - HOUR;
    expect(tierForStep(MINUTE, recent, now)).toBe(MINUTE);
    expect(tierForStep(5 * MINUTE, recent, now)).toBe(MINUTE);
    expect(tierForStep(30 * MINUTE, recent, now)).toBe(10 * MINUTE);
    expect(tierForStep(3 * HOUR, recent, now)).toBe(HOUR);
    expect(tierForStep(DAY, recent, now)).toBe(DAY);
    expect(tierForStep(MINUTE, now - 3 * DAY, now)).toBe(10 * MINUTE);
    expect(tierForStep(MINUTE, now - 20 * DAY, now)).toBe(HOUR);
  });
});
