import type { FastifyReply } from 'fastify';
import { HubError } from '@runtime-hub/protocol';
import type { SpanStore } from '../store/store.js';

/** Spans the writer may have queued before ingest pushes back: about a second of SQLite's work. */
export const DEFAULT_MAX_WRITE_BACKLOG = 50_000;

/**
 * Push back instead of buffering without bound: while the store's writer queue holds more than
 * `limit` spans, a request that would add to it is answered 429 INGEST_BUSY with Retry-After, and
 * nothing of it is stored (the SDKs wait and send the batch again; span writes are upserts, so a
 * batch sent twice is stored once). A request is always let through when nothing is queued, so a
 * batch larger than the limit is never refused forever.
 */
export function pushBack(store: SpanStore, incoming: number, limit: number, reply: FastifyReply): void {
  const backlog = store.writeBacklog();
  if (backlog === 0 || backlog + incoming <= limit) return;
  // One second per `limit` spans queued, 1–30 s: roughly how long the queue takes to drain.
  const seconds = Math.min(30, Math.max(1, Math.ceil(backlog / limit)));
  void reply.header('retry-after', String(seconds));
  throw new HubError('INGEST_BUSY', `the hub is still writing ${backlog} spans; send again in ${seconds} s`, { retryAfterSeconds: seconds });
}
