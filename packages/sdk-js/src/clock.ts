import { performance } from 'node:perf_hooks';

/**
 * Epoch milliseconds with sub-millisecond precision from one monotonic clock: the process's
 * performance.timeOrigin (read once, the same for every copy of the SDK loaded in the process)
 * plus performance.now(). Every span time and event time comes from here, so a child never
 * starts before its parent, and durations are never negative when NTP steps the wall clock.
 */
const origin = performance.timeOrigin;

/** Now, to the microsecond (the precision the records carry). */
export function nowMs(): number {
  return Math.round((origin + performance.now()) * 1000) / 1000;
}
