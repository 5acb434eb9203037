import { Worker } from 'node:worker_threads';

/** A background thread that keeps the WAL short; see checkpoint-worker.ts. */
export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 200) {
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { file, intervalMs } });
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage('stop');
    await stopped;
    await this.worker.terminate();
  }
}
