import type { Worker } from 'node:worker_threads';
import { HubError, type ErrorCode } from '@runtime-hub/protocol';

export type ThreadReply = { id: number; result?: unknown; error?: { message: string; code?: ErrorCode } };

interface Job {
  request: { id: number };
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface ThreadPoolOptions {
  /** Starts one thread; its module answers with serveRequests (serve.ts). */
  spawn(): Worker;
  size: number;
  /** Names the pool in errors: "<name>: <message>", "<name> thread exited (1)". */
  name: string;
  /** The error of a request made after close(). */
  closedMessage: string;
}

/**
 * A small pool of threads for work that must not run on the hub's event loop. Requests wait in
 * one queue and each thread takes one at a time, so long jobs split into pages interleave fairly
 * with short ones. Threads start on first use; an idle thread never keeps the process alive.
 */
export class ThreadPool<Request extends object> {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Set while close() waits for the requests already taken to finish. */
  private drained?: () => void;

  constructor(private readonly options: ThreadPoolOptions) {}

  run(request: Request): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(this.options.closedMessage));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, ...request }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.options.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  private settled(): void {
    this.dispatch();
    if (this.closed && this.queue.length === 0 && this.busy.size === 0) this.drained?.();
  }

  private spawn(): Worker {
    const worker = this.options.spawn();
    worker.on('message', (reply: ThreadReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref();
      if (job && job.request.id === reply.id) {
        if (reply.error === undefined) job.resolve(reply.result);
        else job.reject(reply.error.code ? new HubError(reply.error.code, reply.error.message) : new Error(`${this.options.name}: ${reply.error.message}`));
      }
      this.settled();
    });
    const fail = (error: Error) => {
      // A thread that died is replaced on the next request; only its own job fails.
      this.busy.get(worker)?.reject(error);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      worker.removeAllListeners();
      this.settled();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.options.name} thread exited (${code})`)));
    return worker;
  }

  /**
   * Stops taking requests, lets the queued and running ones finish (their callers get real
   * answers, so nothing rejects behind a caller that fired and forgot), then ends the threads. A
   * request still running after `drainMs` is ended with its thread and its caller gets an error.
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
    const workers = [...this.idle, ...this.busy.keys()];
    for (const worker of workers) worker.removeAllListeners();
    for (const job of [...this.busy.values(), ...this.queue.splice(0)]) job.reject(new Error(this.options.closedMessage));
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
