import { stat } from 'node:fs/promises';

/**
 * chokidar emits no change event for a file within 50 ms of its previous one and sends no
 * trailing event: every event is followed by one more look just after that window.
 */
const TRAILING_LOOK_MS = 60;
/**
 * The safety re-stat, for events that never come (coalesced, dropped, an overflowing inotify
 * queue): files that changed in the last RESTAT_ACTIVE_MS are re-stat'ed every RESTAT_MS, the
 * others on every RESTAT_ALL_EVERY-th round.
 */
const RESTAT_MS = 250;
const RESTAT_ACTIVE_MS = 60_000;
const RESTAT_ALL_EVERY = 20;

export interface LookAgainOptions {
  /** The files being tailed. */
  files(): Iterable<string>;
  /** Read the file again (it may have grown). */
  look(path: string): void;
  /** The file has not changed for at least `idleMs` (called on every round while it stays so). */
  idle(path: string): void;
  idleMs: number;
}

/**
 * When to look at a tailed file without being told: file-system events only say "look again", and
 * some never arrive, so a tail must not wait for the next one. Also the clock that notices files
 * that stopped growing.
 */
export class LookAgain {
  private timer: NodeJS.Timeout | undefined;
  private round = 0;
  private busy = false;
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  /** What the last round saw of each file, and when that last changed. */
  private readonly seen = new Map<string, { stamp: string; changedAt: number }>();

  constructor(private readonly options: LookAgainOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.restat(), RESTAT_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
  }

  /** After a change event: one more look once chokidar's quiet window has passed (restarted by every event). */
  afterEvent(path: string): void {
    clearTimeout(this.trailing.get(path));
    const timer = setTimeout(() => {
      this.trailing.delete(path);
      this.options.look(path);
    }, TRAILING_LOOK_MS);
    timer.unref();
    this.trailing.set(path, timer);
  }

  private async restat(): Promise<void> {
    if (this.busy) return; // a round over many files can take longer than the interval
    this.busy = true;
    try {
      await this.restatOnce();
    } finally {
      this.busy = false;
    }
  }

  private async restatOnce(): Promise<void> {
    const now = Date.now();
    const all = ++this.round % RESTAT_ALL_EVERY === 0;
    const files = new Set(this.options.files());
    for (const path of files) {
      const last = this.seen.get(path);
      if (!all && last && now - last.changedAt > RESTAT_ACTIVE_MS) continue;
      let stamp: string;
      try {
        const info = await stat(path);
        stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
      } catch {
        stamp = 'gone';
      }
      if (last?.stamp === stamp) {
        if (now - last.changedAt >= this.options.idleMs) this.options.idle(path);
        continue;
      }
      this.seen.set(path, { stamp, changedAt: now });
      this.options.look(path);
    }
    for (const path of this.seen.keys()) if (!files.has(path)) this.seen.delete(path);
  }
}
