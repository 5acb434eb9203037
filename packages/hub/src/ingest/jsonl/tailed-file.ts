import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Line, LineProblem } from './line-mapper.js';
import type { Cursor } from './offsets.js';

const FP_BYTES = 64;
const NEWLINE = 0x0a;

export type Step =
  /** Complete lines from the cursor on; `next` is where the cursor goes once they are handled. */
  | { kind: 'lines'; lines: Line[]; next: Cursor; more: boolean; problems: LineProblem[] }
  /** Nothing new (or only a half-written line). */
  | { kind: 'idle' }
  /**
   * Reading starts over: the file was truncated or replaced in place, or a new file took the path
   * (rotation). The cursor was reset; `retired` is the previous file's cursor, if it was another file.
   */
  | { kind: 'restart'; reason: 'truncated' | 'replaced' | 'rotated'; retired?: Cursor }
  /** The path is gone and what was left of the file has been read. */
  | { kind: 'gone'; retired?: Cursor };

export interface TailOptions {
  /** A cursor for a file identity seen under another path (renamed), if it matches. */
  adopt(id: string, matches: (cursor: Cursor) => Promise<boolean>): Promise<Cursor | undefined>;
  /** Start new files at their end (only complete lines written later are read). */
  startAtEnd: boolean;
  maxLineBytes: number;
}

/**
 * One watched path. It keeps the file open between reads, so when the file is rotated (renamed
 * away, a new one created at the path) the rest of the old file is still read before the new one
 * is started: nothing written before the rotation is skipped. Only complete lines are returned; a
 * half-written last line waits for its newline.
 */
export class TailedFile {
  private handle: FileHandle | undefined;
  private handleId: string | undefined;
  lastUsed = Date.now();

  constructor(
    readonly path: string,
    /** The committed cursor: lines before it were delivered. */
    public cursor: Cursor | undefined,
    private readonly options: TailOptions,
  ) {}

  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  async step(maxBytes: number): Promise<Step> {
    this.lastUsed = Date.now();
    if (this.handle) {
      const pathId = await identity(this.path);
      if (pathId !== this.handleId) {
        // Rotated or deleted: finish the file we hold first.
        const rest = this.cursor ? await this.readLines(this.cursor, maxBytes) : undefined;
        if (rest) return rest.kind === 'lines' ? { ...rest, more: true } : rest; // then switch to the new file
        const retired = this.cursor;
        await this.close();
        this.cursor = undefined;
        if (pathId === undefined) return { kind: 'gone', ...(retired ? { retired } : {}) };
        return this.openAndPlace(retired, maxBytes);
      }
      return this.readOrRestart(maxBytes);
    }
    return this.openAndPlace(undefined, maxBytes);
  }

  /** The lines were handled: move the cursor past them. */
  commit(next: Cursor): void {
    this.cursor = next;
  }

  /** Another path took this file over (it was renamed): forget it, and look at the path afresh. */
  async handOver(): Promise<void> {
    await this.close();
    this.cursor = undefined;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.handleId = undefined;
    await handle?.close().catch(() => undefined);
  }

  private async openAndPlace(rotatedFrom: Cursor | undefined, maxBytes: number): Promise<Step> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return { kind: 'gone', ...(rotatedFrom ? { retired: rotatedFrom } : {}) };
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return { kind: 'idle' };
    }
    this.handle = handle;
    this.handleId = `${info.dev}:${info.ino}`;
    const saved = this.cursor;
    if (saved && saved.id === this.handleId && (await this.matches(saved))) {
      return rotatedFrom ? { kind: 'restart', reason: 'rotated', retired: rotatedFrom } : this.readOrRestart(maxBytes);
    }
    const adopted = await this.options.adopt(this.handleId, (c) => this.matches(c));
    this.cursor = adopted ?? (await this.freshCursor(info.size, !saved && !rotatedFrom && this.options.startAtEnd));
    if (rotatedFrom) return { kind: 'restart', reason: 'rotated', retired: rotatedFrom };
    if (saved) return { kind: 'restart', reason: saved.id === this.handleId ? 'replaced' : 'rotated', ...(saved.id !== this.handleId ? { retired: saved } : {}) };
    return this.readOrRestart(maxBytes);
  }

  private async readOrRestart(maxBytes: number): Promise<Step> {
    const cursor = this.cursor!;
    const { size } = await this.handle!.stat();
    if (size < cursor.offset) {
      this.cursor = await this.freshCursor(size, false);
      return { kind: 'restart', reason: 'truncated' };
    }
    if (!(await this.matches(cursor))) {
      this.cursor = await this.freshCursor(size, false);
      return { kind: 'restart', reason: 'replaced' };
    }
    return (await this.readLines(cursor, maxBytes)) ?? { kind: 'idle' };
  }

  /** Complete lines from `cursor`, or undefined when there are none yet. */
  private async readLines(cursor: Cursor, maxBytes: number): Promise<Step | undefined> {
    const chunk = Math.max(64 * 1024, Math.min(maxBytes, 4 * 1024 * 1024));
    let data = await this.readAt(cursor.offset, chunk);
    if (data.length === 0) return undefined;
    const problems: LineProblem[] = [];
    let line = cursor.line;
    let start = 0;
    if (cursor.skipping) {
      // The rest of a line that was too long: drop it up to its newline.
      const nl = data.indexOf(NEWLINE);
      if (nl < 0) return { kind: 'lines', lines: [], next: { ...cursor, offset: cursor.offset + data.length }, more: data.length === chunk, problems };
      start = nl + 1;
      line++;
    }
    let last = data.lastIndexOf(NEWLINE);
    if (last < start) {
      if (start > 0) return { kind: 'lines', lines: [], next: { ...cursor, offset: cursor.offset + start, line, skipping: false }, more: true, problems };
      if (data.length < chunk) return undefined; // a half-written line: wait for its newline
      // A line longer than the chunk: look for its end within the line limit.
      const longest = this.options.maxLineBytes;
      data = await this.readAt(cursor.offset, longest + 1);
      last = data.lastIndexOf(NEWLINE);
      if (last < 0) {
        if (data.length <= longest) return undefined;
        problems.push({ line: line + 1, message: `line is longer than ${longest} bytes; skipped` });
        return { kind: 'lines', lines: [], next: { ...cursor, offset: cursor.offset + data.length, skipping: true }, more: true, problems };
      }
    }
    const lines: Line[] = [];
    for (let from = start; from <= last; ) {
      const nl = data.indexOf(NEWLINE, from);
      let text = data.toString('utf8', from, nl > from && data[nl - 1] === 0x0d ? nl - 1 : nl);
      if (cursor.offset + from === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      line++;
      lines.push({ text, line, offset: cursor.offset + from, end: cursor.offset + nl + 1 });
      from = nl + 1;
    }
    const next: Cursor = { ...cursor, offset: cursor.offset + last + 1, line, skipping: false };
    if (cursor.offset === 0 && next.fp.length < FP_BYTES * 2) next.fp = data.subarray(0, Math.min(FP_BYTES, last + 1)).toString('hex');
    return { kind: 'lines', lines, next, more: data.length === chunk, problems };
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle!.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }

  /** The file still starts with the bytes the cursor saw. */
  private async matches(cursor: Cursor): Promise<boolean> {
    if (cursor.fp === '') return true;
    const length = cursor.fp.length / 2;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle!.read(buffer, 0, length, 0);
    return bytesRead === length && buffer.toString('hex') === cursor.fp;
  }

  private async freshCursor(size: number, atEnd: boolean): Promise<Cursor> {
    const cursor: Cursor = { id: this.handleId!, offset: 0, line: 0, fp: '', state: {} };
    if (!atEnd || size === 0) return cursor;
    // Start after the last complete line; count lines so that reports keep true line numbers.
    const buffer = Buffer.alloc(1024 * 1024);
    let position = 0;
    let lastNewline = -1;
    let lines = 0;
    while (position < size) {
      const { bytesRead } = await this.handle!.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      for (let i = buffer.indexOf(NEWLINE); i >= 0 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1)) {
        lines++;
        lastNewline = position + i;
      }
      position += bytesRead;
    }
    const head = Buffer.alloc(Math.min(FP_BYTES, size));
    await this.handle!.read(head, 0, head.length, 0);
    return { ...cursor, offset: lastNewline + 1, line: lines, fp: lastNewline >= 0 ? head.toString('hex') : '' };
  }
}

async function identity(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return `${info.dev}:${info.ino}`;
  } catch {
    return undefined;
  }
}
