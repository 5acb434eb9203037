import { parentPort } from 'node:worker_threads';
import { HubError } from '@runtime-hub/protocol';
import type { ThreadReply } from './thread-pool.js';

/** In a pool's thread: answers each request with `handle`'s result, or its error (code kept). */
export function serveRequests<Request extends { id: number }>(handle: (request: Request) => unknown): void {
  parentPort!.on('message', (request: Request) => {
    let reply: ThreadReply;
    try {
      reply = { id: request.id, result: handle(request) };
    } catch (error) {
      const code = error instanceof HubError ? error.code : undefined;
      reply = { id: request.id, error: { message: (error as Error).message, ...(code ? { code } : {}) } };
    }
    parentPort!.postMessage(reply);
  });
}
