import type { FastifyInstance } from 'fastify';
import { HubError } from '@runtime-hub/protocol';
import type { OriginPolicy } from './origin-policy.js';

/**
 * Applies the origin policy to every HTTP request before anything else runs (auth, body parsing,
 * routes), and answers CORS for the origins the user allowed: their preflights get a 204 and their
 * replies `Access-Control-Allow-Origin`, so a page there can read what it asked for. The hub's own
 * pages are same-origin and need no CORS; every other origin is refused with 403.
 */
export function registerOriginGuard(app: FastifyInstance, policy: OriginPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    const refusal = policy.check(request.headers);
    if (refusal) {
      void reply.status(403).send(new HubError(refusal.code, refusal.message).toBody());
      return reply;
    }
    const origin = policy.configuredOrigin(request.headers.origin);
    void reply.header('vary', 'Origin');
    if (!origin) return;
    void reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      void reply
        .status(204)
        .header('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send();
      return reply;
    }
  });
}
