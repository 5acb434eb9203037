import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A hook event waiting for the hub, stamped with when it fired. */
export interface SpooledEvent {
  receivedAt: number;
  event: unknown;
}

export interface Claim {
  entries: SpooledEvent[];
  /** The hub has them: delete the files. */
  commit(): void;
  /** Not delivered: put them back for a later call. */
  release(): void;
}

const ENTRY = /^\d{15}-\d+-[0-9a-z]+\.json$/;
const CLAIMED = /^(\d{15}-\d+-[0-9a-z]+\.json)\.claimed-(\d+)$/;

/**
 * Hook events the hub could not take, one file per event, oldest first by name. Several `hook`
 * processes run at once (parallel tool calls), so every step is a single atomic file operation:
 * an event is written to a temporary name and renamed into place; a process claims an event by
 * renaming it to `<name>.claimed-<pid>` (only one rename can win), deletes it once the hub has it
 * and renames it back otherwise. Claims of processes that died are returned to the spool.
 * Synchronous on purpose: the process lives for one event and must not wait on the event loop.
 */
export class Spool {
  constructor(
    readonly dir: string,
    private readonly maxEvents = 10_000,
  ) {}

  /** Stores an event; returns false (and counts it as dropped) when the spool is full. */
  add(entry: SpooledEvent): boolean {
    mkdirSync(this.dir, { recursive: true });
    if (this.names().length >= this.maxEvents) {
      this.addDropped(1);
      return false;
    }
    const name = `${String(Math.max(0, Math.floor(entry.receivedAt))).padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 10)}.json`;
    const temp = join(this.dir, `.${name}.tmp`);
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, join(this.dir, name));
    return true;
  }

  /** Claims up to `maxEvents` of the oldest events, stopping once `maxBytes` of them were read. */
  claim(maxEvents: number, maxBytes: number): Claim {
    const claimed: { name: string; path: string }[] = [];
    const entries: SpooledEvent[] = [];
    let bytes = 0;
    this.reclaimOrphans();
    for (const name of this.names()) {
      if (claimed.length >= maxEvents || bytes >= maxBytes) break;
      const path = join(this.dir, `${name}.claimed-${process.pid}`);
      try {
        renameSync(join(this.dir, name), path);
      } catch {
        continue; // Another process claimed it first.
      }
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const entry = parseEntry(text);
      if (!entry) {
        unlinkQuietly(path); // Unreadable: it could never be delivered.
        continue;
      }
      bytes += text.length;
      claimed.push({ name, path });
      entries.push(entry);
    }
    return {
      entries,
      commit: () => claimed.forEach(({ path }) => unlinkQuietly(path)),
      release: () =>
        claimed.forEach(({ name, path }) => {
          try {
            renameSync(path, join(this.dir, name));
          } catch {
            // Gone already; nothing to put back.
          }
        }),
    };
  }

  /** Events waiting (not counting claimed ones). */
  size(): number {
    return this.names().length;
  }

  /** How many events were dropped because the spool was full, since the last reset. */
  dropped(): number {
    try {
      const n = Number(readFileSync(join(this.dir, 'dropped'), 'utf8'));
      return Number.isFinite(n) ? n : 0;
    } catch {
      return 0;
    }
  }

  resetDropped(): void {
    unlinkQuietly(join(this.dir, 'dropped'));
  }

  private addDropped(n: number): void {
    try {
      writeFileSync(join(this.dir, 'dropped'), String(this.dropped() + n));
    } catch {
      // Counting is best effort.
    }
  }

  private names(): string[] {
    try {
      return readdirSync(this.dir).filter((name) => ENTRY.test(name)).sort();
    } catch {
      return [];
    }
  }

  private reclaimOrphans(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = CLAIMED.exec(name);
      if (!match || isAlive(Number(match[2]))) continue;
      try {
        renameSync(join(this.dir, name), join(this.dir, match[1]!));
      } catch {
        // Another process reclaimed it.
      }
    }
  }
}

function parseEntry(text: string): SpooledEvent | undefined {
  try {
    const value = JSON.parse(text) as { receivedAt?: unknown; event?: unknown };
    if (typeof value.receivedAt !== 'number' || value.event === null || typeof value.event !== 'object') return undefined;
    return { receivedAt: value.receivedAt, event: value.event };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
