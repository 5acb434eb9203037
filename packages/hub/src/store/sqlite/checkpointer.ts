import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { STORE_THREAD_LIMITS } from './spawn-thread.js';
import { CHECKPOINTER_STOP, COPIED, REQUESTED, WAL_STATE } from './wal-signal.js';

/**
 * A background thread with its own connection that runs WAL checkpoints, so copying the WAL back
 * into the database (and its fsync) never stalls the hub's event loop or the writer.
 *
 * Every `intervalMs` it runs a PASSIVE checkpoint, which never blocks the writer; SQLite starts the
 * WAL over once a checkpoint has caught up. Under a steady stream of writes it never catches up,
 * so the WAL would grow with the burst. When the writer sees the file pass its limit it moves the
 * shared word to REQUESTED (SpanWriter.boundWal); this thread wakes at once, copies the WAL back
 * with a PASSIVE checkpoint while the writer goes on, and moves it to COPIED. The writer then
 * truncates the WAL between two batches, copying only what it wrote meanwhile: it holds the write
 * lock anyway, so nothing waits for it. Before, the writer copied the whole WAL itself each time
 * (a fifth of its time during bench:ingest).
 *
 * The thread sleeps in Atomics.wait rather than on timers, so it wakes the moment it is signalled;
 * a stop is a flag in the same word (wal-signal.ts). Its code is inline so it runs the same from
 * sources (tests) and from the build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const signal = new Int32Array(workerData.signal);
const db = new Database(workerData.file);
for (;;) {
  const seen = Atomics.load(signal, 0);
  // Sleeps until the word changes (a request, a stop) or the interval passes.
  if ((seen & ${WAL_STATE}) !== ${REQUESTED}) Atomics.wait(signal, 0, seen, workerData.intervalMs);
  const now = Atomics.load(signal, 0);
  if (now & ${CHECKPOINTER_STOP}) break;
  // COPIED: the writer's turn to truncate; leave it the checkpoint lock.
  if ((now & ${WAL_STATE}) === ${COPIED}) continue;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: next round */ }
  if ((now & ${WAL_STATE}) === ${REQUESTED}) {
    Atomics.compareExchange(signal, 0, ${REQUESTED}, ${COPIED});
    Atomics.notify(signal, 0);
  }
}
db.close();
parentPort.postMessage('stopped');
`;

export class Checkpointer {
  private readonly worker: Worker;
  /** Shared with the writer thread (wal-signal.ts). */
  readonly signal = new Int32Array(new SharedArrayBuffer(4));

  /** @param intervalMs between two PASSIVE checkpoints when nothing signals. */
  constructor(file: string, intervalMs = 1000) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { file, driver, intervalMs, signal: this.signal.buffer };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData, resourceLimits: STORE_THREAD_LIMITS });
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
    });
    Atomics.or(this.signal, 0, CHECKPOINTER_STOP);
    Atomics.notify(this.signal, 0);
    await stopped;
    await this.worker.terminate();
  }
}
