import { performance } from 'node:perf_hooks';

/**
 * Epoch milliseconds with sub-millisecond precision from the monotonic clock, anchored to the
 * wall clock once. Monotonic, so a span's duration is never negative when NTP steps the clock.
 */
const origin = Date.now() - performance.now();

export function nowMs(): number {
  return origin + performance.now();
}
