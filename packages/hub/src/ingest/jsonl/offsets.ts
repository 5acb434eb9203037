import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FileMapperState } from './line-mapper.js';

/**
 * Where reading a file stopped: the byte offset just past the last line handled, and what the
 * line mapping carries over. Saved with the file's identity (device:inode) and a fingerprint of
 * its first bytes, so a file replaced or truncated behind our back is read from the start again.
 */
export interface Cursor {
  /** `${dev}:${ino}` of the file this cursor belongs to. */
  id: string;
  offset: number;
  /** Lines before `offset` (line numbers in reports). */
  line: number;
  /** Hex of the first bytes of the file (up to 64), '' before anything was read. */
  fp: string;
  state: FileMapperState;
  /** Inside a line longer than the limit: skip to its newline. */
  skipping?: boolean;
}

interface OffsetsFile {
  version: 1;
  files: Record<string, Cursor>;
  /** Cursors of files that left their path (rotated away, deleted), by identity. */
  retired: Record<string, Cursor & { at: number }>;
}

const MAX_RETIRED = 1000;

/**
 * The cursors of every watched file, kept in one JSON file in the data folder. Saved atomically
 * (temporary file + rename) at most every `delayMs`, and on close. A cursor is saved only after the
 * lines before it were delivered: a crash re-sends at most the last batch, whose records have the
 * same span ids and so change nothing.
 */
export class OffsetStore {
  private data: OffsetsFile = { version: 1, files: {}, retired: {} };
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    readonly file: string,
    private readonly delayMs = 1000,
  ) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<OffsetsFile>;
      if (parsed && parsed.version === 1) this.data = { version: 1, files: parsed.files ?? {}, retired: parsed.retired ?? {} };
    } catch {
      // No file yet (or unreadable: start over; records are idempotent).
    }
  }

  get(path: string): Cursor | undefined {
    return this.data.files[path];
  }

  paths(): string[] {
    return Object.keys(this.data.files);
  }

  set(path: string, cursor: Cursor): void {
    this.data.files[path] = cursor;
    this.changed();
  }

  delete(path: string): void {
    if (!(path in this.data.files)) return;
    delete this.data.files[path];
    this.changed();
  }

  /**
   * Keeps the cursor of a file that left `path`, in case it shows up under another name — unless
   * another path already carries on with that file (it was renamed there and adopted).
   */
  retire(cursor: Cursor, path?: string): void {
    for (const [other, current] of Object.entries(this.data.files)) if (other !== path && current.id === cursor.id) return;
    this.data.retired[cursor.id] = { ...cursor, at: Date.now() };
    const ids = Object.keys(this.data.retired);
    if (ids.length > MAX_RETIRED) {
      ids.sort((a, b) => this.data.retired[a]!.at - this.data.retired[b]!.at);
      for (const id of ids.slice(0, ids.length - MAX_RETIRED)) delete this.data.retired[id];
    }
    this.changed();
  }

  /** A retired cursor, or another path's, for this file identity (a renamed file). */
  findById(id: string, except: string): Cursor | undefined {
    const retired = this.data.retired[id];
    if (retired) {
      const { at: _at, ...cursor } = retired;
      return cursor;
    }
    for (const [path, cursor] of Object.entries(this.data.files)) if (path !== except && cursor.id === id) return cursor;
    return undefined;
  }

  forgetRetired(id: string): void {
    if (id in this.data.retired) {
      delete this.data.retired[id];
      this.changed();
    }
  }

  save(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data));
    renameSync(temp, this.file);
  }

  private changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => this.save(), this.delayMs);
    this.timer.unref?.();
  }
}
