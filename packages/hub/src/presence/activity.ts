import type { ServiceActivity, Span } from '@runtime-hub/protocol';

const MINUTE = 60_000;
const SPARKLINE_MINUTES = 30;
const ERROR_RATE_MINUTES = 5;

/**
 * Per-service call and error counts in one-minute buckets for the last 30 minutes, counted as
 * spans end. O(1) per span; nothing is read back from the store. Counts start over when the hub
 * restarts (they describe live activity, not history).
 */
export class ActivityTracker {
  private readonly services = new Map<string, { calls: number[]; errors: number[]; minute: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  record(spans: readonly Span[]): void {
    const minute = Math.floor(this.now() / MINUTE);
    for (const span of spans) {
      if (span.endTime === null) continue;
      const counts = this.bucketsOf(span.service, minute);
      counts.calls[SPARKLINE_MINUTES - 1]!++;
      if (span.status === 'error') counts.errors[SPARKLINE_MINUTES - 1]!++;
    }
  }

  activityOf(service: string): ServiceActivity {
    const counts = this.bucketsOf(service, Math.floor(this.now() / MINUTE));
    const recentCalls = sum(counts.calls.slice(-ERROR_RATE_MINUTES));
    const recentErrors = sum(counts.errors.slice(-ERROR_RATE_MINUTES));
    return {
      callsPerMinute: counts.calls[SPARKLINE_MINUTES - 1]!,
      errorRate: recentCalls === 0 ? null : recentErrors / recentCalls,
      sparkline: [...counts.calls],
    };
  }

  /** The service's buckets, shifted so the last one is the current minute. */
  private bucketsOf(service: string, minute: number) {
    let counts = this.services.get(service);
    if (!counts) {
      counts = { calls: new Array<number>(SPARKLINE_MINUTES).fill(0), errors: new Array<number>(SPARKLINE_MINUTES).fill(0), minute };
      this.services.set(service, counts);
    }
    const shift = Math.min(minute - counts.minute, SPARKLINE_MINUTES);
    if (shift > 0) {
      counts.calls.splice(0, shift);
      counts.errors.splice(0, shift);
      for (let i = 0; i < shift; i++) {
        counts.calls.push(0);
        counts.errors.push(0);
      }
      counts.minute = minute;
    }
    return counts;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
