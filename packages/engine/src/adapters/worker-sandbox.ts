import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NodeFailure } from '../errors.js';
import type { CodeSandbox, SandboxRequest, SandboxResult } from '../ports.js';
import { SANDBOX_WORKER_SOURCE } from './sandbox-worker-source.js';

interface Job {
  id: number;
  request: SandboxRequest;
  resolve: (result: SandboxResult) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

interface WorkerReply {
  id: number;
  value?: string;
  logs: string[];
  error?: { kind: 'thrown' | 'timeout' | 'pending'; name: string; message: string; stack?: string };
}

/**
 * Runs code nodes in worker threads: each worker has its own V8 heap capped by `resourceLimits`
 * (so a runaway allocation kills the worker, not the hub), an empty environment, and runs each
 * job in a fresh `node:vm` context with no host objects. Time is limited twice: by vm's timeout
 * inside the worker, and by terminating the worker from outside if it does not answer in time.
 * Workers are pooled per memory limit and replaced after a crash, a timeout or a cancel.
 */
export class WorkerSandbox implements CodeSandbox {
  private readonly pools = new Map<number, Slot[]>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly maxWorkersPerPool: number;

  constructor(options: { maxWorkersPerPool?: number } = {}) {
    this.maxWorkersPerPool = options.maxWorkersPerPool ?? Math.max(1, Math.min(4, availableParallelism()));
  }

  run(request: SandboxRequest): Promise<SandboxResult> {
    if (this.closed) return Promise.reject(new NodeFailure('INTERNAL', 'the code sandbox is closed', { nonRetryable: true }));
    let globals: string;
    try {
      globals = JSON.stringify(request.globals);
    } catch (error) {
      return Promise.reject(new NodeFailure('CODE_ERROR', `the code's inputs are not JSON: ${(error as Error).message}`, { nonRetryable: true }));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, request: { ...request, globals: { json: globals } }, resolve, reject };
      if (request.signal.aborted) {
        reject(request.signal.reason);
        return;
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private pool(memoryMb: number): Slot[] {
    let pool = this.pools.get(memoryMb);
    if (!pool) this.pools.set(memoryMb, (pool = []));
    return pool;
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length; i++) {
      const job = this.queue[i] as Job;
      const pool = this.pool(job.request.memoryMb);
      let slot = pool.find((s) => !s.job);
      if (!slot && pool.length < this.maxWorkersPerPool) slot = this.spawn(job.request.memoryMb);
      if (!slot) continue;
      this.queue.splice(i, 1);
      i--;
      this.assign(slot, job);
    }
  }

  private spawn(memoryMb: number): Slot {
    const worker = new Worker(SANDBOX_WORKER_SOURCE, {
      eval: true,
      env: {},
      argv: [],
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: Math.max(2, Math.min(16, Math.floor(memoryMb / 4))),
        codeRangeSizeMb: 16,
        stackSizeMb: 4,
      },
    });
    worker.unref();
    const slot: Slot = { worker };
    this.pool(memoryMb).push(slot);
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(error.message);
      this.finish(
        slot,
        undefined,
        memory
          ? new NodeFailure('CODE_MEMORY', `the code exceeded its ${memoryMb} MB memory limit`, { nonRetryable: true })
          : new NodeFailure('CODE_ERROR', `the sandbox failed: ${error.message}`),
      );
      this.discard(slot, memoryMb);
    });
    worker.on('exit', () => {
      if (slot.job) this.finish(slot, undefined, new NodeFailure('CODE_ERROR', 'the sandbox stopped unexpectedly'));
      this.discard(slot, memoryMb);
    });
    return slot;
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    const { request } = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      this.finish(slot, undefined, new NodeFailure('CODE_TIMEOUT', `the code ran longer than ${request.timeoutMs} ms`, { nonRetryable: true }));
      void this.kill(slot, request.memoryMb);
    }, request.timeoutMs + 1000);
    slot.onAbort = () => {
      this.finish(slot, undefined, request.signal.reason);
      void this.kill(slot, request.memoryMb);
    };
    request.signal.addEventListener('abort', slot.onAbort, { once: true });
    slot.worker.postMessage({ id: job.id, code: request.code, globals: (request.globals as { json: string }).json, timeoutMs: request.timeoutMs });
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (!slot.job || slot.job.id !== reply.id) return;
    const { error } = reply;
    if (error) {
      const failure =
        error.kind === 'timeout'
          ? new NodeFailure('CODE_TIMEOUT', `the code ran longer than ${slot.job.request.timeoutMs} ms`, { nonRetryable: true })
          : new NodeFailure('CODE_ERROR', `${error.name}: ${error.message}`, { details: { stack: error.stack?.split('\n').slice(0, 10).join('\n'), logs: reply.logs } });
      this.finish(slot, undefined, failure);
    } else {
      let value: unknown;
      try {
        value = JSON.parse(reply.value ?? 'null');
      } catch {
        value = null;
      }
      this.finish(slot, { value, logs: reply.logs }, undefined);
    }
    this.pump();
  }

  private finish(slot: Slot, result: SandboxResult | undefined, error: unknown): void {
    const job = slot.job;
    if (!job) return;
    slot.job = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.onAbort) job.request.signal.removeEventListener('abort', slot.onAbort);
    slot.worker.unref();
    if (error !== undefined) job.reject(error);
    else job.resolve(result as SandboxResult);
  }

  private discard(slot: Slot, memoryMb: number): void {
    const pool = this.pool(memoryMb);
    const at = pool.indexOf(slot);
    if (at >= 0) pool.splice(at, 1);
    this.pump();
  }

  private async kill(slot: Slot, memoryMb: number): Promise<void> {
    this.discard(slot, memoryMb);
    await slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new NodeFailure('CANCELLED', 'the code sandbox closed'));
    const all = [...this.pools.values()].flat();
    this.pools.clear();
    for (const slot of all) this.finish(slot, undefined, new NodeFailure('CANCELLED', 'the code sandbox closed'));
    await Promise.all(all.map((slot) => slot.worker.terminate()));
  }
}
