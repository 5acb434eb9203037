import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HubContext } from '../context.js';
import { DEFAULT_MAX_WRITE_BACKLOG, pushBack } from './backpressure.js';
import { boundedRejections } from './rejection-list.js';

/**
 * `POST /api/v1/spans` `{ spans: [...] }` → `{ accepted, rejected: [{ index, code, message }] }`; past
 * 100 rejections only the first 100 are listed and `rejectedCount` gives the total.
 * Valid records are stored even when others in the same request are rejected.
 */
export function registerSpanIngest(app: FastifyInstance, ctx: HubContext): void {
  // Only the envelope is checked here; each record is validated on its own by ctx.ingest, so one
  // bad record never costs the batch.
  const body = z.object({ spans: z.array(z.unknown()) });
  const schema = { tags: ['ingest'], summary: 'Store span records (start and end records, upserted by spanId)', body };
  const limit = ctx.config.maxWriteBacklog ?? DEFAULT_MAX_WRITE_BACKLOG;
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/spans', { schema }, async (request, reply) => {
    pushBack(ctx.store, request.body.spans.length, limit, reply);
    return boundedRejections(await ctx.ingest(request.body.spans, { lossyUtf8: request.lossyUtf8 === true }));
  });
}
