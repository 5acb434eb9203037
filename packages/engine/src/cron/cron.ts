import { Cron } from 'croner';
import type { CronTrigger } from '@runtime-hub/protocol';

/**
 * Cron arithmetic through croner, pure: no timers here (see scheduler.ts). Expressions have 5
 * fields (minutes) or 6 (seconds first) and are read in the trigger's IANA time zone.
 *
 * Daylight-saving changes follow croner: a wall-clock time that does not exist (02:30 when the
 * clocks jump from 02:00 to 03:00) fires shifted by the jump (03:30); a wall-clock time that
 * occurs twice (the repeated hour in autumn) fires once, at its first occurrence.
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

/** How far `nextFireAfter` walks past fire times that are not after `after` (see below). */
const MAX_STEPS_BACK = 10_000;

/**
 * The first fire time strictly after `after` (epoch ms), or undefined if there is none.
 *
 * croner reads `after` as a wall-clock time and answers the next matching wall-clock time at its
 * first occurrence; during the repeated hour's second pass (01:10 the second time) that is an
 * instant in the first pass, before `after`. Such answers are walked past, so a scheduler started
 * or re-armed in the repeated hour never fires a time that has already gone by.
 */
export function nextFireAfter(spec: CronSpec, after: number): number | undefined {
  const cron = schedule(spec);
  let next = cron.nextRun(new Date(after))?.getTime();
  for (let steps = 0; next !== undefined && next <= after && steps < MAX_STEPS_BACK; steps++) next = cron.nextRun(new Date(next))?.getTime();
  return next !== undefined && next > after ? next : undefined;
}

/**
 * The next `count` fire times strictly after `after`, each found from the one before as the
 * scheduler finds them (croner's own `nextRuns` lists the skipped hour's shifted times and then the
 * same instants again).
 */
export function nextFires(spec: CronSpec, count: number, after: number): number[] {
  const fires: number[] = [];
  for (let cursor: number | undefined = after; fires.length < count; ) {
    cursor = nextFireAfter(spec, cursor);
    if (cursor === undefined) break;
    fires.push(cursor);
  }
  return fires;
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
