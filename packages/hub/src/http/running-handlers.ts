import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The requests whose handlers are still running. When a closing server's grace runs out it closes
 * the connections of requests still in flight, but their handlers run on: the features must not
 * end what those use (a pool) under them. `onSend` runs once a handler has produced its reply, also
 * for a request whose connection is gone; a hijacked reply (MCP) never gets there: its response's
 * `finish` counts, or, while the server still listens, its `close`. Hence also the bound.
 */
export function trackRunningHandlers(app: FastifyInstance): { settled(maxMs: number): Promise<void> } {
  const running = new Set<FastifyRequest>();
  let onEmpty: (() => void) | undefined;
  const done = (request: FastifyRequest) => {
    if (running.delete(request) && running.size === 0) onEmpty?.();
  };
  app.addHook('onRequest', async (request, reply) => {
    running.add(request);
    reply.raw.once('finish', () => done(request));
    // A connection closed while the hub shuts down leaves its handler running: keep waiting for it.
    reply.raw.once('close', () => {
      if (app.server.listening) done(request);
    });
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    done(request);
    return payload;
  });
  return {
    settled(maxMs) {
      if (running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        onEmpty = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}
