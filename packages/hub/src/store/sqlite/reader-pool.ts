import type { SpanReader } from './span-reader.js';
import { spawnStoreThread } from './spawn-thread.js';
import { ThreadPool } from '../../threads/thread-pool.js';

/** The reads a reader thread answers: the methods of SpanReader. */
export const READER_OPS = [
  'getSpan', 'tracePage', 'traceOutlinePage', 'scanPage', 'listSpans', 'listTraces', 'listSessions', 'listErrorGroups', 'listAgentRuns',
  'usageByService', 'changesBetween', 'recentChanges', 'replayStart', 'listServices', 'listAnnotations',
] as const satisfies readonly (keyof SpanReader)[];
export type ReaderOp = (typeof READER_OPS)[number];

export interface ReaderRequest {
  id: number;
  op: ReaderOp;
  args: unknown[];
}

/**
 * A small pool of reader threads, each with its own read-only connection. Every read of the span
 * store runs here, never on the hub's event loop: a query that takes seconds (a full scan, a
 * 100,000-span trace) delays other reads at most, never health checks, ingest or the live channel.
 * Long reads split into pages interleave fairly with short ones (threads/thread-pool.ts).
 */
export class ReaderPool {
  private readonly pool: ThreadPool<Omit<ReaderRequest, 'id'>>;

  constructor(file: string, size = 2) {
    this.pool = new ThreadPool({
      spawn: () => spawnStoreThread('reader-thread', { file }),
      size,
      name: 'span reader',
      closedMessage: 'span store is closed',
    });
  }

  run<K extends ReaderOp>(op: K, ...args: Parameters<SpanReader[K]>): Promise<ReturnType<SpanReader[K]>> {
    return this.pool.run({ op, args }) as Promise<ReturnType<SpanReader[K]>>;
  }

  /** Lets the reads already asked for finish (bounded by `drainMs`), then ends the threads. */
  close(drainMs?: number): Promise<void> {
    return this.pool.close(drainMs);
  }
}
