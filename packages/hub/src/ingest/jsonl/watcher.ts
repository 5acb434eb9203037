import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { IGNORED_PATH, jsonlFilesUnder } from './folder-sweep.js';
import { finishLines, hasOpenWork, mapLines } from './line-mapper.js';
import { LookAgain } from './look-again.js';
import { OffsetStore, type Cursor } from './offsets.js';
import { TailedFile } from './tailed-file.js';

/** Where mapped records go: the hub's ingest path in-process, or HTTP to a running hub. */
export interface JsonlSink {
  /**
   * Delivers records; resolves with what the hub made of them. Retries on its own while the hub is
   * unreachable; resolves to undefined only when `signal` aborts (the watcher is closing).
   */
  send(records: unknown[], signal: AbortSignal): Promise<{ accepted: number; rejected: { index: number; code: string; message: string }[] } | undefined>;
}

export type WatchEvent =
  /** A line that could not be read or whose record the hub rejected. `line` is 1-based. */
  | { type: 'problem'; file: string; line: number; message: string }
  | { type: 'restart'; file: string; reason: 'truncated' | 'replaced' | 'rotated' }
  | { type: 'removed'; file: string }
  | { type: 'error'; file?: string; message: string };

export interface WatchOptions {
  /** Folders (searched recursively) or single files. */
  paths: string[];
  /** JSON file where cursors are kept. */
  offsetsFile: string;
  sink: JsonlSink;
  report?: (event: WatchEvent) => void;
  /** Files found at start-up without a saved cursor start at their end. */
  startAtEnd?: boolean;
  /** Poll instead of file system events (network or container file systems). */
  poll?: boolean;
  /** Bytes read per batch (default 1 MB). */
  batchBytes?: number;
  /** Longer lines are reported and skipped (default 8 MB). */
  maxLineBytes?: number;
  /**
   * A file that has not grown for this long has what it left open closed at its last event (a
   * Claude Code session killed mid-turn); default 15 minutes.
   */
  idleFinishMs?: number;
}

export interface WatchStats {
  files: number;
  lines: number;
  records: number;
  accepted: number;
  malformed: number;
  rejected: number;
}

const MAX_OPEN_FILES = 256;
const IDLE_CLOSE_MS = 30_000;
const BATCHES_PER_TURN = 16;
const IDLE_FINISH_MS = 15 * 60_000;
/** How often idle files are closed and the folders searched for files whose events never came. */
const SWEEP_MS = 5_000;

/**
 * Tails `*.jsonl` files under the given folders: files that grow, are truncated, rotated or appear
 * later. chokidar reports changes (inotify / FSEvents, or polling); each changed file is read from
 * its cursor to its last complete line, mapped to span records, delivered, and only then is the
 * cursor saved, so a restart resumes exactly there. Files are handled one at a time.
 *
 * Events only say "look again": after every read the file's size is checked again, and LookAgain
 * looks once more after each event and re-stats files periodically, so a tail never waits for the
 * next write.
 */
export class JsonlWatcher {
  readonly stats: WatchStats = { files: 0, lines: 0, records: 0, accepted: 0, malformed: 0, rejected: 0 };
  private readonly offsets: OffsetStore;
  private readonly files = new Map<string, TailedFile>();
  private readonly dirty = new Set<string>();
  private readonly abort = new AbortController();
  private readonly paths: string[];
  private watcher: FSWatcher | undefined;
  private running: Promise<void> | undefined;
  private initialScan = true;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly lookAgain: LookAgain;
  /** Files idle long enough to have their open work closed (finishLines) on their next turn. */
  private readonly finishDue = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  /** The file being read now (not to be closed by the idle sweep). */
  private current: string | undefined;
  /** Files whose last read failed, and how long to wait before the next try. */
  private readonly retryDelay = new Map<string, number>();
  private sweeping = false;

  constructor(private readonly options: WatchOptions) {
    this.offsets = new OffsetStore(options.offsetsFile);
    this.paths = options.paths.map((p) => resolve(p));
    this.lookAgain = new LookAgain({
      files: () => this.files.keys(),
      look: (path) => this.schedule(path),
      idle: (path) => this.finishIfOpen(path),
      idleMs: options.idleFinishMs ?? IDLE_FINISH_MS,
    });
  }

  /** Starts watching; resolves once the files present at start-up have been read. */
  async start(): Promise<void> {
    const watcher = watch(this.paths, {
      ignoreInitial: false,
      persistent: true,
      usePolling: this.options.poll === true,
      interval: 500,
      ignored: (path, stats) => IGNORED_PATH.test(path) || (stats?.isFile() === true && !path.endsWith('.jsonl')),
    });
    this.watcher = watcher;
    watcher.on('add', (path) => this.schedule(path));
    watcher.on('change', (path) => {
      this.schedule(path);
      this.lookAgain.afterEvent(path);
    });
    watcher.on('unlink', (path) => this.schedule(path));
    watcher.on('error', (error) => this.report({ type: 'error', message: `watching: ${(error as Error).message}` }));
    await new Promise<void>((ready) => watcher.once('ready', () => ready()));
    // Files deleted while we were not watching: keep their cursors in case they were renamed.
    for (const path of this.offsets.paths()) {
      if (this.isWatched(path) && !existsSync(path)) {
        this.offsets.retire(this.offsets.get(path)!, path);
        this.offsets.delete(path);
      }
    }
    await this.idle();
    this.initialScan = false;
    this.sweeper = setInterval(() => {
      void this.closeIdleFiles();
      void this.findMissedFiles();
    }, SWEEP_MS);
    this.sweeper.unref();
    // A safety net for lost events, and the clock that notices idle files (with polling too).
    this.lookAgain.start();
  }

  /** Resolves when every change seen so far has been handled. */
  idle(): Promise<void> {
    if (!this.running && this.dirty.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.abort.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    this.lookAgain.stop();
    await this.watcher?.close();
    await this.running;
    for (const file of this.files.values()) await file.close();
    this.offsets.save();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private schedule(path: string): void {
    if (!path.endsWith('.jsonl') || this.abort.signal.aborted) return;
    this.dirty.add(path);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.dirty.size > 0 && !this.abort.signal.aborted) this.schedule([...this.dirty][0]!);
      else for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty.size > 0 && !this.abort.signal.aborted) {
      const path = this.dirty.values().next().value!;
      this.dirty.delete(path);
      this.current = path;
      try {
        if (await this.readFile(path)) this.dirty.add(path); // more to read: after the others
        else if (this.finishDue.delete(path)) await this.finishFile(path);
        this.retryDelay.delete(path);
      } catch (error) {
        // Unreadable for now (permissions, the store busy …): try again later, backing off.
        const delay = Math.min((this.retryDelay.get(path) ?? 500) * 2, 30_000);
        this.retryDelay.set(path, delay);
        this.report({ type: 'error', file: path, message: `${(error as Error).message} (retrying in ${delay / 1000} s)` });
        setTimeout(() => this.schedule(path), delay).unref();
      } finally {
        this.current = undefined;
      }
    }
  }

  /** Reads a file up to BATCHES_PER_TURN batches; true when it has more. */
  private async readFile(path: string): Promise<boolean> {
    let file = this.files.get(path);
    if (!file) {
      file = new TailedFile(path, this.offsets.get(path), {
        adopt: (id, matches) => this.adopt(path, id, matches),
        startAtEnd: this.options.startAtEnd === true && this.initialScan,
        maxLineBytes: this.options.maxLineBytes ?? 8 * 1024 * 1024,
      });
      this.files.set(path, file);
      this.stats.files = this.files.size;
      await this.limitOpenFiles();
    }
    for (let batch = 0; batch < BATCHES_PER_TURN; batch++) {
      const step = await file.step(this.options.batchBytes ?? 1024 * 1024);
      if (step.kind === 'idle') return false;
      if (step.kind === 'gone') {
        if (step.retired) this.offsets.retire(step.retired, path);
        this.offsets.delete(path);
        await file.close();
        this.files.delete(path);
        this.stats.files = this.files.size;
        this.report({ type: 'removed', file: path });
        return false;
      }
      if (step.kind === 'restart') {
        if (step.retired) this.offsets.retire(step.retired, path);
        this.offsets.set(path, file.cursor!);
        this.report({ type: 'restart', file: path, reason: step.reason });
        continue;
      }
      const mapped = mapLines(path, file.cursor!.state, step.lines);
      if (mapped.records.length > 0) {
        const result = await this.options.sink.send(mapped.records.map((r) => r.record), this.abort.signal);
        if (!result) return false; // closing: the cursor stays before these lines
        this.stats.records += mapped.records.length;
        this.stats.accepted += result.accepted;
        for (const rejection of result.rejected) {
          this.stats.rejected++;
          this.report({ type: 'problem', file: path, line: mapped.records[rejection.index]?.line ?? 0, message: `${rejection.code}: ${rejection.message}` });
        }
      }
      for (const problem of [...step.problems, ...mapped.problems]) {
        this.stats.malformed++;
        this.report({ type: 'problem', file: path, ...problem });
      }
      this.stats.lines += step.lines.length;
      const next: Cursor = { ...step.next, state: mapped.state };
      file.commit(next);
      this.offsets.set(path, next);
      // Even when this batch reached the end, go round once more: the next step checks the size
      // again, so lines written while this batch was delivered are read now, not on the next event.
    }
    return true;
  }

  /** An idle file that left work open (a turn, tool calls) is closed on its next turn in the queue. */
  private finishIfOpen(path: string): void {
    const cursor = this.files.get(path)?.cursor;
    if (!cursor || this.finishDue.has(path) || this.abort.signal.aborted || !hasOpenWork(cursor.state)) return;
    this.finishDue.add(path);
    this.schedule(path);
  }

  /** Closes what an idle file left open, and keeps the closed state with its cursor. */
  private async finishFile(path: string): Promise<void> {
    const file = this.files.get(path);
    const cursor = file?.cursor;
    if (!file || !cursor || !hasOpenWork(cursor.state)) return;
    const finished = finishLines(cursor.state);
    if (finished.records.length > 0) {
      const result = await this.options.sink.send(finished.records.map((r) => r.record), this.abort.signal);
      if (!result) return;
      this.stats.records += finished.records.length;
      this.stats.accepted += result.accepted;
    }
    const next: Cursor = { ...cursor, state: finished.state };
    file.commit(next);
    this.offsets.set(path, next);
  }

  /** A renamed file keeps its cursor: from a path that lost it, or from a live reader that held it. */
  private async adopt(path: string, id: string, matches: (c: Cursor) => Promise<boolean>): Promise<Cursor | undefined> {
    const cursor = this.offsets.findById(id, path);
    if (!cursor || !(await matches(cursor))) return undefined;
    this.offsets.forgetRetired(id);
    for (const [other, file] of this.files) {
      if (other !== path && file.cursor?.id === id) {
        await file.handOver();
        this.dirty.add(other);
      }
    }
    return cursor;
  }

  private async limitOpenFiles(): Promise<void> {
    const open = [...this.files.values()].filter((f) => f.isOpen);
    if (open.length < MAX_OPEN_FILES) return;
    open.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const file of open.slice(0, open.length - MAX_OPEN_FILES + 1)) await file.close();
  }

  private async closeIdleFiles(): Promise<void> {
    const now = Date.now();
    for (const file of this.files.values()) {
      if (file.isOpen && now - file.lastUsed > IDLE_CLOSE_MS && file.path !== this.current && !this.dirty.has(file.path)) await file.close();
    }
  }

  /** Files under the watched folders that no event announced (folder-sweep.ts says when that happens). */
  private async findMissedFiles(): Promise<void> {
    if (this.sweeping || this.abort.signal.aborted) return;
    this.sweeping = true;
    try {
      for (const path of await jsonlFilesUnder(this.paths)) {
        if (!this.files.has(path) && !this.dirty.has(path)) this.schedule(path);
      }
    } finally {
      this.sweeping = false;
    }
  }

  private isWatched(path: string): boolean {
    return this.paths.some((root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep));
  }

  private report(event: WatchEvent): void {
    this.options.report?.(event);
  }
}
