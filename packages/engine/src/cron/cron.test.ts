import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { MemoryRunStore } from '../store/memory-store.js';
import { cronProblem, firesBetween, nextFires } from './cron.js';
import { CronScheduler } from './scheduler.js';
import type { CronFire } from './scheduler.js';

const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const at = (text: string) => Date.parse(text);

describe('cron arithmetic', () => {
  it('keeps wall-clock time across the spring-forward change (Europe/Zurich)', () => {
    const fires = nextFires({ expression: '0 9 * * *', timezone: 'Europe/Zurich' }, 4, at('2024-03-29T00:00:00Z'));
    expect(iso(fires)).toEqual([
      '2024-03-29T08:00:00.000Z',
      '2024-03-30T08:00:00.000Z',
      '2024-03-31T07:00:00.000Z',
      '2024-04-01T07:00:00.000Z',
    ]);
  });

  it('fires a fixed time that does not exist once, at the end of the gap (02:30 on the spring-forward day runs at 03:00)', () => {
    const fires = nextFires({ expression: '30 2 * * *', timezone: 'Europe/Berlin' }, 3, at('2024-03-30T00:00:00Z'));
    expect(iso(fires)).toEqual(['2024-03-30T01:30:00.000Z', '2024-03-31T01:00:00.000Z', '2024-04-01T00:30:00.000Z']);
  });

  it('fires a repeated time once on the fall-back day', () => {
    const fires = nextFires({ expression: '30 2 * * *', timezone: 'Europe/Berlin' }, 3, at('2024-10-26T00:00:00Z'));
    expect(iso(fires)).toEqual(['2024-10-26T00:30:00.000Z', '2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z']);
  });

  it('keeps real time through the repeated hour: an interval schedule fires on both passes, in order', () => {
    const fires = nextFires({ expression: '*/15 * * * *', timezone: 'America/New_York' }, 9, at('2026-11-01T05:10:00Z'));
    // 05:15Z..05:45Z are 01:15..01:45 EDT; 06:00Z..06:45Z the same wall times again, EST.
    expect(iso(fires)).toEqual([
      '2026-11-01T05:15:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T05:45:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T06:15:00.000Z',
      '2026-11-01T06:30:00.000Z',
      '2026-11-01T06:45:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-01T07:15:00.000Z',
    ]);
  });

  it('started in the repeated hour\'s second pass, fires nothing that has gone by (America/New_York)', () => {
    // 06:10Z is 01:10 EST, the second 01:10 of 2026-11-01.
    const fires = nextFires({ expression: '*/15 * * * *', timezone: 'America/New_York' }, 3, at('2026-11-01T06:10:00Z'));
    expect(iso(fires)).toEqual(['2026-11-01T06:15:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-01T06:45:00.000Z']);
  });

  it('does not skip the first days of a month after a shorter one (days 1 and 31 after February)', () => {
    const fires = nextFires({ expression: '0 4 1,31 * *', timezone: 'UTC' }, 3, at('2026-02-27T00:00:00Z'));
    expect(iso(fires)).toEqual(['2026-03-01T04:00:00.000Z', '2026-03-31T04:00:00.000Z', '2026-04-01T04:00:00.000Z']);
  });

  it('lists fire times in increasing order across the skipped hour (no shifted time twice)', () => {
    const fires = nextFires({ expression: '*/15 * * * *', timezone: 'America/New_York' }, 6, at('2026-03-08T06:59:00Z'));
    expect(iso(fires)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:15:00.000Z',
      '2026-03-08T07:30:00.000Z',
      '2026-03-08T07:45:00.000Z',
      '2026-03-08T08:00:00.000Z',
      '2026-03-08T08:15:00.000Z',
    ]);
  });

  it('reads 6-field expressions with seconds', () => {
    expect(iso(nextFires({ expression: '*/20 * * * * *', timezone: 'UTC' }, 3, at('2024-01-01T00:00:00Z')))).toEqual([
      '2024-01-01T00:00:20.000Z',
      '2024-01-01T00:00:40.000Z',
      '2024-01-01T00:01:00.000Z',
    ]);
  });

  it('counts fires in an interval', () => {
    expect(firesBetween({ expression: '0 * * * *', timezone: 'UTC' }, at('2024-01-01T00:00:00Z'), at('2024-01-01T05:30:00Z'))).toEqual({
      count: 5,
      latest: at('2024-01-01T05:00:00Z'),
    });
  });

  it('explains bad expressions and time zones', () => {
    expect(cronProblem({ expression: '61 * * * *', timezone: 'UTC' })).toMatchObject({ field: 'expression', message: expect.stringMatching(/minute/) });
    expect(cronProblem({ expression: '* * *', timezone: 'UTC' })?.field).toBe('expression');
    expect(cronProblem({ expression: '* * * * *', timezone: 'Mars/Olympus' })?.field).toBe('timezone');
    expect(cronProblem({ expression: '0 9 * * 1-5', timezone: 'America/New_York' })).toBeUndefined();
  });
});

describe('CronScheduler', () => {
  function setup(start: string) {
    const clock = new ManualClock(at(start));
    const store = new MemoryRunStore();
    const fires: CronFire[] = [];
    const scheduler = new CronScheduler({ clock, store, fire: (f) => void fires.push(f) });
    return { clock, store, fires, scheduler };
  }

  it('fires at the scheduled wall-clock times through a DST change', async () => {
    const { clock, fires, scheduler } = setup('2024-03-29T12:00:00Z');
    await scheduler.sync([{ project: 'p', workflow: 'w', trigger: { type: 'cron', expression: '0 9 * * *', timezone: 'Europe/Zurich', missed: 'skip' } }]);
    await clock.advanceTo(at('2024-04-01T12:00:00Z'));
    expect(iso(fires.map((f) => f.scheduledAt))).toEqual(['2024-03-30T08:00:00.000Z', '2024-03-31T07:00:00.000Z', '2024-04-01T07:00:00.000Z']);
    scheduler.stop();
  });

  it('pauses and resumes without running the fires in between', async () => {
    const { clock, fires, scheduler } = setup('2024-01-01T00:00:30Z');
    const entry = { project: 'p', workflow: 'w', trigger: { type: 'cron' as const, expression: '* * * * *', timezone: 'UTC', missed: 'run-once' as const } };
    await scheduler.sync([entry]);
    await clock.advance(60_000);
    expect(fires).toHaveLength(1);
    expect((await scheduler.pause('p', 'w'))?.paused).toBe(true);
    await clock.advance(10 * 60_000);
    expect(fires).toHaveLength(1);
    const status = await scheduler.resume('p', 'w');
    expect(status?.paused).toBe(false);
    expect(status?.nextFireTimes).toHaveLength(5);
    await clock.advance(60_000);
    expect(fires).toHaveLength(2);
    expect(fires.every((f) => f.missed === undefined)).toBe(true);
    scheduler.stop();
  });

  it('after downtime, skips missed fires or runs them once, as configured', async () => {
    for (const missed of ['skip', 'run-once'] as const) {
      const clock = new ManualClock(at('2024-01-01T00:00:00Z'));
      const store = new MemoryRunStore();
      const first: CronFire[] = [];
      const entry = { project: 'p', workflow: 'w', trigger: { type: 'cron' as const, expression: '0 * * * *', timezone: 'UTC', missed } };
      const before = new CronScheduler({ clock, store, fire: (f) => void first.push(f) });
      await before.sync([entry]);
      await clock.advanceTo(at('2024-01-01T01:30:00Z'));
      expect(first).toHaveLength(1);
      before.stop(); // the hub goes down for five hours

      const down = new ManualClock(at('2024-01-01T06:30:00Z'));
      const after: CronFire[] = [];
      const restarted = new CronScheduler({ clock: down, store, fire: (f) => void after.push(f) });
      await restarted.sync([entry]);
      if (missed === 'skip') expect(after).toEqual([]);
      else expect(after).toEqual([{ project: 'p', workflow: 'w', scheduledAt: at('2024-01-01T06:00:00Z'), missed: 5 }]);
      await down.advanceTo(at('2024-01-01T07:00:00Z'));
      expect(after.at(-1)?.scheduledAt).toBe(at('2024-01-01T07:00:00Z'));
      restarted.stop();
    }
  });
});
