import type { Worker } from 'node:worker_threads';
import type { NewAnnotation } from '../annotations.js';
import type { InstanceBeat } from '../store.js';
import type { SpanValues } from './row-codec.js';
import { spawnStoreThread } from './spawn-thread.js';
import type { WriteOutcome } from './span-writer.js';

export type WriterRequest = { id: number } & (
  | { op: 'write'; batch: SpanValues[]; now: number }
  | { op: 'heartbeat'; beat: InstanceBeat }
  | { op: 'deleteOldest'; before: number | null; max: number }
  | { op: 'usedBytes' }
  | { op: 'vacuumStep'; pages: number }
  | { op: 'tryTruncateWal' }
  | { op: 'addAnnotation'; annotation: NewAnnotation; now: number }
  | { op: 'deleteAnnotation'; annotationId: number }
  | { op: 'fullTextBackfill'; chunk: number }
  | { op: 'close' }
);

type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The main thread's handle on the writer thread. Requests are answered in the order they were
 * posted, so writes commit — and their promises resolve — in order.
 */
export class WriterClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure: Error | undefined;

  /** @param walSignal the checkpoint thread's (Checkpointer.signal), when it keeps the WAL's bound. */
  constructor(file: string, lastSeq: number, walLimitBytes: number, walSignal?: Int32Array) {
    this.worker = spawnStoreThread('writer-thread', { file, lastSeq, walLimitBytes, walSignal: walSignal?.buffer });
    this.worker.on('message', (reply: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(`span writer: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`span writer thread exited (${code})`)));
  }

  write(batch: SpanValues[], now: number): Promise<WriteOutcome> {
    return this.request({ op: 'write', batch, now }) as Promise<WriteOutcome>;
  }

  request(request: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    if (!this.failure) await this.request({ op: 'close' });
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
