import { Cron } from 'croner';
import type { CronTrigger } from '@runtime-hub/protocol';

/**
 * Cron arithmetic through croner, pure: no timers here (see scheduler.ts). Expressions have 5
 * fields (minutes) or 6 (seconds first) and are read in the trigger's IANA time zone.
 *
 * Daylight-saving changes follow croner (as Vixie cron does). A fixed-time schedule — a single
 * value in each of seconds, minutes and hours, like `30 2 * * *` — fires once at the first
 * occurrence of a time the autumn change repeats, and at the end of the spring gap (03:00) for a
 * time that does not exist. Any other schedule (every 15 minutes, or `0 1,2 * * *`) keeps real time:
 * it fires on both passes through a repeated hour and skips times in the gap. Fire times only
 * ever increase. The exported apps' schedulers follow the same rules, checked against
 * packages/protocol/cases/cron.json.
 */

type CronSpec = Pick<CronTrigger, 'expression' | 'timezone'>;

const cache = new Map<string, Cron>();

function schedule(spec: CronSpec): Cron {
  const key = `${spec.timezone}\u0000${spec.expression}`;
  let cron = cache.get(key);
  if (!cron) {
    cron = new Cron(spec.expression, { timezone: spec.timezone, paused: true, mode: '5-or-6-parts' });
    if (cache.size > 1000) cache.clear();
    cache.set(key, cron);
  }
  return cron;
}

/** Why an expression or time zone is not usable, or undefined when both are fine. */
export function cronProblem(spec: CronSpec): { field: 'expression' | 'timezone'; message: string } | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: spec.timezone });
  } catch {
    return { field: 'timezone', message: `unknown time zone ${JSON.stringify(spec.timezone)} (use an IANA name like "Europe/Zurich")` };
  }
  try {
    const cron = new Cron(spec.expression, { timezone: spec.timezone, paused: true, mode: '5-or-6-parts' });
    if (cron.nextRun(new Date(0)) === null && cron.nextRun() === null) return { field: 'expression', message: 'the expression never fires' };
  } catch (error) {
    return { field: 'expression', message: (error as Error).message.replace(/^CronPattern: /, '') };
  }
  return undefined;
}

/** The first fire time strictly after `after` (epoch ms), or undefined if there is none. */
export function nextFireAfter(spec: CronSpec, after: number): number | undefined {
  const next = schedule(spec).nextRun(new Date(after));
  return next ? next.getTime() : undefined;
}

/** The next `count` fire times strictly after `after`, in increasing order. */
export function nextFires(spec: CronSpec, count: number, after: number): number[] {
  return schedule(spec).nextRuns(count, new Date(after)).map((d) => d.getTime());
}

/**
 * The fire times in (after, until]: how many (counted up to `cap`) and the latest. Used to
 * apply the missed-run policy after downtime.
 */
export function firesBetween(spec: CronSpec, after: number, until: number, cap = 10_000): { count: number; latest?: number } {
  let count = 0;
  let latest: number | undefined;
  let cursor = after;
  for (;;) {
    const next = nextFireAfter(spec, cursor);
    if (next === undefined || next > until) break;
    count++;
    latest = next;
    cursor = next;
    if (count >= cap) {
      // Jump close to the end instead of walking every fire of a dense schedule.
      const fromEnd = schedule(spec).previousRuns(1, new Date(until + 1))[0];
      if (fromEnd && fromEnd.getTime() > latest) latest = fromEnd.getTime();
      break;
    }
  }
  return latest === undefined ? { count } : { count, latest };
}
