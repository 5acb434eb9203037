import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AnnotationWriter } from './annotation-store.js';
import { FullTextBackfill } from './full-text.js';
import { SpanWriter } from './span-writer.js';
import type { WriterRequest } from './writer-client.js';

/**
 * The writer thread: owns the only writing connection to the spans database and runs requests
 * one at a time, in the order they were posted, answering each with its result or its error.
 */
const { file, lastSeq, walLimitBytes, walSignal } = workerData as { file: string; lastSeq: number; walLimitBytes: number; walSignal?: SharedArrayBuffer };
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// 16 MB: past that, the pages the writer touches (index leaves of random keys) come from the OS's
// file cache at the cost of a read call, and the heap memory held for the rest of the process's
// life was the largest single block of the hub's RSS (64 MB; bench/ingest in docs/benchmarks.md).
db.pragma('cache_size = -16384');
db.pragma('temp_store = MEMORY');
// Checkpoints run on their own thread (Checkpointer), which also truncates the WAL once the writer
// signals it passed walLimitBytes (SpanWriter.boundWal); this is only a safety net.
db.pragma('wal_autocheckpoint = 50000');
// When SQLite starts the WAL over, it cuts the file back to this size.
db.pragma(`journal_size_limit = ${walLimitBytes > 0 ? walLimitBytes : 67108864}`);
const writer = new SpanWriter(db, lastSeq, walLimitBytes, walSignal ? new Int32Array(walSignal) : undefined);
const annotations = new AnnotationWriter(db);
const backfill = new FullTextBackfill(db);

parentPort!.on('message', (request: WriterRequest) => {
  try {
    let result: unknown;
    switch (request.op) {
      case 'write':
        result = writer.write(request.batch, request.now);
        break;
      case 'heartbeat':
        writer.recordHeartbeat(request.beat);
        break;
      case 'deleteOldest':
        result = writer.deleteOldest(request.before, request.max);
        break;
      case 'usedBytes':
        result = writer.usedBytes();
        break;
      case 'vacuumStep':
        result = writer.vacuumStep(request.pages);
        break;
      case 'tryTruncateWal':
        result = writer.tryTruncateWal();
        break;
      case 'addAnnotation':
        result = annotations.add(request.annotation, request.now);
        break;
      case 'deleteAnnotation':
        result = annotations.delete(request.annotationId);
        break;
      case 'fullTextBackfill':
        result = backfill.run(request.chunk);
        break;
      case 'close':
        writer.close();
        break;
    }
    parentPort!.postMessage({ id: request.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: (error as Error).message });
  }
});
