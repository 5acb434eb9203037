import type { Worker } from 'node:worker_threads';
import { HubError, type ErrorCode } from '@runtime-hub/protocol';
import type { SpanReader } from './span-reader.js';
import { spawnStoreThread } from './spawn-thread.js';

/** The reads a reader thread answers: the methods of SpanReader. */
export const READER_OPS = [
  'getSpan', 'tracePage', 'traceOutlinePage', 'scanPage', 'listSpans', 'listTraces', 'listSessions', 'listErrorGroups', 'listAgentRuns',
  'usageByService', 'changesBetween', 'recentChanges', 'replayStart', 'listServices',
] as const satisfies readonly (keyof SpanReader)[];
export type ReaderOp = (typeof READER_OPS)[number];

export interface ReaderRequest {
  id: number;
  op: ReaderOp;
  args: unknown[];
}
export type ReaderReply = { id: number; result?: unknown; error?: { message: string; code?: ErrorCode } };

interface Job {
  request: ReaderRequest;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A small pool of reader threads, each with its own read-only connection. Every read of the span
 * store runs here, never on the hub's event loop: a query that takes seconds (a full scan, a
 * 100,000-span trace) delays other reads at most, never health checks, ingest or the live channel.
 * Jobs wait in one queue and each thread takes one at a time, so long reads split into pages
 * interleave fairly with short ones. Threads start on first use.
 */
export class ReaderPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Set while close() waits for the reads already taken to finish. */
  private drained?: () => void;

  constructor(
    private readonly file: string,
    private readonly size = 2,
  ) {}

  run<K extends ReaderOp>(op: K, ...args: Parameters<SpanReader[K]>): Promise<ReturnType<SpanReader[K]>> {
    if (this.closed) return Promise.reject(new Error('span store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, op, args }, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.postMessage(job.request);
    }
  }

  private spawn(): Worker {
    const worker = spawnStoreThread('reader-thread', { file: this.file });
    worker.on('message', (reply: ReaderReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (job && job.request.id === reply.id) {
        if (reply.error === undefined) job.resolve(reply.result);
        else job.reject(reply.error.code ? new HubError(reply.error.code, reply.error.message) : new Error(`span reader: ${reply.error.message}`));
      }
      this.dispatch();
      if (this.closed && this.queue.length === 0 && this.busy.size === 0) this.drained?.();
    });
    const fail = (error: Error) => {
      // A thread that died is replaced on the next read; only its own job fails.
      this.busy.get(worker)?.reject(error);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      worker.removeAllListeners();
      this.dispatch();
      if (this.closed && this.queue.length === 0 && this.busy.size === 0) this.drained?.();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`span reader thread exited (${code})`)));
    return worker;
  }

  /**
   * Stops taking reads, lets the queued and running ones finish (their callers get real answers,
   * so nothing rejects behind a caller that fired and forgot), then ends the threads. A read still
   * running after `drainMs` is ended with the thread and its caller gets an error.
   */
  async close(drainMs = 5000): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.queue.length > 0 || this.busy.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const drained = new Promise<void>((resolve) => (this.drained = resolve));
        await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
        clearTimeout(timer);
      }
    }
    for (const job of this.queue.splice(0)) job.reject(new Error('span store is closed'));
    const workers = [...this.idle, ...this.busy.keys()];
    for (const worker of workers) worker.removeAllListeners();
    for (const job of this.busy.values()) job.reject(new Error('span store is closed'));
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
