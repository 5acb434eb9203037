import type { Server } from 'node:http';

/**
 * Bounds how long a closing server waits for its clients. `server.close()` (and Fastify's
 * `forceCloseConnections: 'idle'`) closes the connections idle at that moment only once: a
 * keep-alive connection that was busy then, or a client that keeps sending requests on it, holds
 * the close open for as long as it likes. While closing, this closes every connection as soon as it
 * is idle between requests, and after `graceMs` closes the rest, requests in flight included.
 * Returns a function that stops it once the server has closed.
 */
export function drainConnections(server: Server, graceMs: number, sweepMs = 50): () => void {
  const sweep = setInterval(() => server.closeIdleConnections(), sweepMs);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  return () => {
    clearInterval(sweep);
    clearTimeout(deadline);
  };
}
