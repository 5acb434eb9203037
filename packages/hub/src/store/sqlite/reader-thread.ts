import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveRequests } from '../../threads/serve.js';
import { READER_OPS, type ReaderRequest } from './reader-pool.js';
import { SpanReader } from './span-reader.js';

/**
 * A reader thread: its own read-only connection to the spans database, answering one read at a
 * time. In WAL mode readers never block the writer, and each read sees the last committed batch.
 */
const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -16384');
const reader = new SpanReader(db);
const ops = new Set<string>(READER_OPS);

serveRequests((request: ReaderRequest) => {
  if (!ops.has(request.op)) throw new Error(`unknown read ${request.op}`);
  const method = reader[request.op] as (...args: unknown[]) => unknown;
  return method.apply(reader, request.args);
});
