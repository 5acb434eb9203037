import type { Clock, Timer } from './ports.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets queued promise callbacks and I/O callbacks run (several event-loop turns). */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to: tests advance it and timers fire in order, at their
 * exact due times, with the event loop settled after each, so retries, waits, timeouts and cron
 * schedules are tested without sleeping.
 *
 * @example
 *   const clock = new ManualClock(Date.parse('2024-03-30T00:00:00Z'));
 *   await clock.advance(60_000);
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Pending[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): Timer {
    const pending: Pending = { at, seq: this.seq++, fn, cancelled: false };
    this.timers.push(pending);
    return {
      cancel: () => {
        pending.cancelled = true;
      },
    };
  }

  /** Due times of the timers still pending, earliest first. */
  pendingTimers(): number[] {
    return this.timers.filter((t) => !t.cancelled).map((t) => t.at).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  /** Fires the next pending timer, whenever it is due. Returns false when none is left. */
  async next(): Promise<boolean> {
    const at = this.pendingTimers()[0];
    if (at === undefined) return false;
    await this.advanceTo(at);
    return true;
  }
}
