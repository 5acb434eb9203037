import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The requests whose handlers are still running. When a closing server's grace runs out it closes
 * the connections of requests still in flight, but their handlers run on: the features must not
 * end what those use (a pool) under them. `onSend` runs once a handler has produced its reply, also
 * for a request whose connection is gone; a hijacked reply never gets there, hence the bound.
 */
export function trackRunningHandlers(app: FastifyInstance): { settled(maxMs: number): Promise<void> } {
  const running = new Set<FastifyRequest>();
  let onEmpty: (() => void) | undefined;
  const done = (request: FastifyRequest) => {
    if (running.delete(request) && running.size === 0) onEmpty?.();
  };
  app.addHook('onRequest', async (request) => {
    running.add(request);
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    done(request);
    return payload;
  });
  app.addHook('onResponse', async (request) => done(request));
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
