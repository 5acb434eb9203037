/**
 * Coalesces items arriving at any rate into one flush per animation frame, so thousands of live
 * spans per second cost one store update and one render per frame. While the page is hidden (no
 * frames), a timer flushes instead, so memory stays bounded.
 */
export class FrameBatcher<T> {
  private pending: T[] = [];
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly hiddenFlushMs = 250,
  ) {}

  push(items: readonly T[]): void {
    for (const item of items) this.pending.push(item);
    this.schedule();
  }

  /** Flushes now (used when the pending work must not wait for a frame). */
  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.flush(items);
  }

  clear(): void {
    this.pending = [];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (typeof document !== 'undefined' && document.hidden) {
      this.timer = setTimeout(() => this.flushNow(), this.hiddenFlushMs);
    } else {
      requestAnimationFrame(() => this.flushNow());
    }
  }
}
