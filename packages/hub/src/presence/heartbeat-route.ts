import type { FastifyInstance } from 'fastify';
import { Heartbeat, HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { containsReplacementChar } from '../http/utf8.js';

/** `POST /api/v1/apps/heartbeat`: an app instance says it is alive. */
export function registerHeartbeat(app: FastifyInstance, ctx: HubContext): void {
  app.post('/api/v1/apps/heartbeat', async (request) => {
    const parsed = Heartbeat.safeParse(request.body);
    if (!parsed.success) {
      throw new HubError('INVALID_BODY', parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    }
    const beat = parsed.data;
    // A heartbeat is one record: with bytes that are not UTF-8 it is refused, never stored garbled.
    if (request.lossyUtf8 && containsReplacementChar(beat)) {
      const fields = Object.entries(beat).filter(([, value]) => containsReplacementChar(value)).map(([field]) => field);
      throw new HubError('INVALID_UTF8', `${fields.join(', ')}: holds bytes that are not valid UTF-8`);
    }
    await ctx.presence.heartbeat(beat);
    return { ok: true };
  });
}
