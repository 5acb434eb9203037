import type { FastifyInstance } from 'fastify';
import { Heartbeat } from '@runtime-hub/protocol';
import { parseQuery } from '../api/query-params.js';
import type { HubContext } from '../context.js';

/** `POST /api/v1/apps/heartbeat`: an app instance says it is alive. */
export function registerHeartbeat(app: FastifyInstance, ctx: HubContext): void {
  app.post('/api/v1/apps/heartbeat', async (request) => {
    const beat = parseQuery(Heartbeat, request.body);
    await ctx.presence.heartbeat(beat);
    return { ok: true };
  });
}
