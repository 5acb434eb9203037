import type { FastifyInstance } from 'fastify';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { boundedRejections } from './rejection-list.js';

/**
 * `POST /api/v1/spans` `{ spans: [...] }` → `{ accepted, rejected: [{ index, code, message }] }`; past
 * 100 rejections only the first 100 are listed and `rejectedCount` gives the total.
 * Valid records are stored even when others in the same request are rejected.
 */
export function registerSpanIngest(app: FastifyInstance, ctx: HubContext): void {
  app.post('/api/v1/spans', async (request) => {
    const body = request.body as { spans?: unknown } | null | undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HubError('INVALID_BODY', 'the body must be a JSON object: { "spans": [ ... ] }');
    }
    if (!Array.isArray(body.spans)) {
      throw new HubError('INVALID_BODY', `spans: ${body.spans === undefined ? 'is required' : 'must be an array'}`);
    }
    return boundedRejections(await ctx.ingest(body.spans, { lossyUtf8: request.lossyUtf8 === true }));
  });
}
