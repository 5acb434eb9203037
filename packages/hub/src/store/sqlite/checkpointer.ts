import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { STORE_THREAD_LIMITS } from './spawn-thread.js';

/**
 * A background thread with its own connection that runs WAL checkpoints, so copying the WAL back
 * into the database (and its fsync) never stalls the hub's event loop. PASSIVE checkpoints never
 * block the writer; SQLite restarts the WAL from its beginning once a checkpoint has caught up.
 * The thread's code is inline so it runs the same from sources (tests) and from the build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: next round */ }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
});
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 1000) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, driver }, resourceLimits: STORE_THREAD_LIMITS });
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
