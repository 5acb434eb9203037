import { nextFireAfter } from '../engine/cron/cron.js';
import type { ProjectApp } from './app.js';
import { Run } from './runner.js';
import type { WorkflowDef } from './types.js';

/**
 * Cron triggers in an exported app: each workflow with a cron trigger runs on its schedule, with
 * the trigger data a hub's scheduled run gets ({ type: 'cron', scheduledAt, firedAt }). Fire times
 * come from the engine's own cron module (copied into src/engine/). The app keeps no state
 * between starts: fires due while it was down are skipped. Several replicas of the app would each
 * fire every schedule; set SCHEDULES=off on all but one.
 */

/** setTimeout's limit; a later fire is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function schedulesEnabled(): boolean {
  return !['off', '0', 'false', 'no'].includes((process.env.SCHEDULES ?? 'on').trim().toLowerCase());
}

/** Starts every cron workflow's schedule; returns a function that stops them all. */
export function startSchedules(app: ProjectApp): () => void {
  if (!schedulesEnabled()) return () => undefined;
  const timers = new Set<NodeJS.Timeout>();
  for (const definition of Object.values(app.workflows)) {
    if (definition.trigger.type === 'cron') follow(app, definition, timers);
  }
  return () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}

function follow(app: ProjectApp, definition: WorkflowDef, timers: Set<NodeJS.Timeout>): void {
  const spec = { expression: definition.trigger.expression ?? '', timezone: definition.trigger.timezone ?? 'UTC' };
  const arm = (after: number): void => {
    const fire = nextFireAfter(spec, after);
    if (fire === undefined) return;
    const wait = (): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        // Timers follow a monotonic clock; the schedule is wall-clock time.
        if (Date.now() < fire) return wait();
        const trigger = { type: 'cron', scheduledAt: new Date(fire).toISOString(), firedAt: new Date().toISOString() };
        void new Run(app, definition, trigger).execute().then(
          (result) => {
            if (result.status !== 'succeeded') console.warn(`scheduled run of ${definition.id} ${result.status}: ${result.error?.message ?? ''}`);
          },
          (error: unknown) => console.error(`scheduled run of ${definition.id} failed`, error),
        );
        arm(fire);
      }, Math.min(Math.max(0, fire - Date.now()), MAX_TIMER_MS));
      timers.add(timer);
    };
    wait();
  };
  arm(Date.now());
}
