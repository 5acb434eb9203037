import { performance } from 'node:perf_hooks';

/**
 * At most `perSecond` spans per second for one function: a fixed one-second window, so a burst
 * keeps its first calls (with their whole subtrees) and the rest of the window runs untracked.
 * Together with the per-trace head decision (sampleRate) what is kept stays coherent: a kept
 * span's parent is always kept.
 *
 * @example
 *   const limiter = new RateLimiter(100);
 *   limiter.take(); // true for the first 100 calls of each second
 */
export class RateLimiter {
  private windowStart = -Infinity;
  private used = 0;

  constructor(readonly perSecond: number) {}

  take(): boolean {
    if (this.used < this.perSecond) {
      this.used++;
      // The first take of a window starts it; later ones skip the clock read until the window is full.
      if (this.used === 1) this.windowStart = performance.now();
      return true;
    }
    const now = performance.now();
    if (now - this.windowStart < 1000) return false;
    this.windowStart = now;
    this.used = 1;
    return true;
  }
}
