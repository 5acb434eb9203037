import { Worker } from 'node:worker_threads';
import { HubError, type ErrorCode } from '@runtime-hub/protocol';
import { decodeOtlpProtobuf, type ProtobufKind, type ProtobufResults } from './protobuf-decode.js';

export interface DecodeRequest {
  id: number;
  kind: ProtobufKind;
  body: Uint8Array;
}
export type DecodeReply = { id: number; value?: unknown; lossy?: boolean; error?: { message: string; code?: ErrorCode } };

interface Job {
  request: DecodeRequest;
  resolve(value: { value: unknown; lossy: boolean }): void;
  reject(error: Error): void;
}

/** Bodies smaller than this decode inline: a thread round trip would cost more than it saves. */
const INLINE_BYTES = 64 * 1024;

/**
 * Decodes protobuf OTLP bodies on a small pool of threads. A 5 MB export takes about a second to
 * decode and convert (0.5 s decoding, 0.3 s converting, measured idle): on the event loop that
 * second would hold health checks, ingest and the live channel. Threads start on first use.
 */
export class ProtobufDecoder {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size = 1) {}

  decode<K extends ProtobufKind>(kind: K, body: Uint8Array): Promise<{ value: ProtobufResults[K]; lossy: boolean }> {
    if (body.byteLength < INLINE_BYTES || this.closed) {
      try {
        return Promise.resolve(decodeOtlpProtobuf(kind, body));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise((resolve, reject) => {
      const request = { id: this.nextId++, kind, body };
      this.queue.push({ request, resolve: resolve as Job['resolve'], reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  private spawn(): Worker {
    const fromSource = import.meta.url.endsWith('.ts');
    const entry = new URL(`./protobuf-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
    // From sources (tests) tsx compiles the thread, as for the store's threads (store/sqlite/spawn-thread.ts).
    const worker = fromSource
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true })
      : new Worker(entry);
    worker.on('message', (reply: DecodeReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref(); // an idle decoder never keeps the process alive
      if (job && job.request.id === reply.id) {
        if (reply.error === undefined) job.resolve({ value: reply.value, lossy: reply.lossy === true });
        else job.reject(reply.error.code ? new HubError(reply.error.code, reply.error.message) : new Error(`protobuf decoder: ${reply.error.message}`));
      }
      this.dispatch();
    });
    const fail = (error: Error) => {
      // A thread that died is replaced on the next body; only its own request fails.
      this.busy.get(worker)?.reject(error);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      worker.removeAllListeners();
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`protobuf decoder thread exited (${code})`)));
    return worker;
  }

  /**
   * Lets the bodies being decoded finish (bounded by `drainMs`), then ends the threads. Bodies
   * that arrive later, while the HTTP server closes, decode inline.
   */
  async close(drainMs = 5000): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + drainMs;
    while ((this.busy.size > 0 || this.queue.length > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const workers = [...this.idle, ...this.busy.keys()];
    for (const worker of workers) worker.removeAllListeners();
    for (const job of [...this.busy.values(), ...this.queue.splice(0)]) job.reject(new Error('the hub is closing'));
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
