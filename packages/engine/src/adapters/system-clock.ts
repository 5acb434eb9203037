import type { Clock, Timer } from '../ports.js';

/** Node's timers cap at ~24.8 days; longer waits re-arm in steps and check the wall clock. */
const MAX_STEP_MS = 6 * 3600_000;

/**
 * The real clock. Timers are unref'd (they never keep the process alive) and re-check the wall
 * clock at least every six hours, so a 48 h wait or a cron fire a month ahead stays correct even
 * when the machine sleeps in between.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at: number, fn: () => void): Timer {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const delay = at - Date.now();
      if (delay <= 0) {
        handle = setTimeout(() => {
          if (!cancelled) fn();
        }, 0);
        handle.unref();
        return;
      }
      handle = setTimeout(arm, Math.min(delay, MAX_STEP_MS));
      handle.unref();
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (handle) clearTimeout(handle);
      },
    };
  },
};
