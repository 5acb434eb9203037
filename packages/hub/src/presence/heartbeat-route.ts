import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Heartbeat, HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { containsReplacementChar } from '../http/utf8.js';

/** `POST /api/v1/apps/heartbeat`: an app instance says it is alive. */
export function registerHeartbeat(app: FastifyInstance, ctx: HubContext): void {
  const schema = { tags: ['ingest'], summary: 'An app instance says it is alive', body: Heartbeat };
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/apps/heartbeat', { schema }, async (request) => {
    const beat = request.body;
    // A heartbeat is one record: with bytes that are not UTF-8 it is refused, never stored garbled.
    if (request.lossyUtf8 && containsReplacementChar(beat)) {
      const fields = Object.entries(beat).filter(([, value]) => containsReplacementChar(value)).map(([field]) => field);
      throw new HubError('INVALID_UTF8', `${fields.join(', ')}: holds bytes that are not valid UTF-8`);
    }
    await ctx.presence.heartbeat(beat);
    return { ok: true };
  });
}
