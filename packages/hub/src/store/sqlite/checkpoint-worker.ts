import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * Runs WAL checkpoints on its own thread and connection, so copying the WAL back into the
 * database (and its fsync) never stalls the hub's event loop. PASSIVE checkpoints never block the
 * writer; SQLite restarts the WAL from its beginning once a checkpoint has caught up.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file);
db.pragma('busy_timeout = 1000');

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next round tries again.
  }
}, intervalMs);

parentPort!.on('message', (message: unknown) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort!.postMessage('stopped');
  }
});
