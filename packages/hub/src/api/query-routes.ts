import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { firstPage, pagedStream } from './paged-stream.js';
import { SpanIdParams, SpanQueryParams, spanQueryFrom, TraceIdParams } from './query-params.js';

/** Spans per page of a streamed trace (about 0.5 MB of text with typical payloads). */
const TRACE_PAGE = 500;

const ErrorQueryParams = SpanQueryParams.pick({ service: true, q: true, from: true, to: true }).extend({
  bucketMs: z.coerce.number().int().min(1000).default(3_600_000),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The read side: services, traces, spans, error groups and sessions. */
export function registerQueries(root: FastifyInstance, ctx: HubContext): void {
  const { store } = ctx;
  // Route schemas (zod) check params and query before a handler runs (http/route-schemas.ts).
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['queries'];

  app.get('/api/v1/services', { schema: { tags, summary: 'Apps: online state, instances, activity, usage' } }, async () => {
    const [services, usage] = await Promise.all([ctx.presence.list(), store.usageByService?.()]);
    if (!usage) return { services };
    return { services: services.map((s) => ({ ...s, usage: usage.get(s.service) ?? { inputTokens: 0, outputTokens: 0, costUsd: null, unpricedCalls: 0, costPartial: false } })) };
  });

  app.get('/api/v1/traces', { schema: { tags, summary: 'Traces, newest first', querystring: SpanQueryParams } }, async (request) => {
    const page = await store.listTraces(spanQueryFrom(request.query));
    return { traces: page.items, nextCursor: page.nextCursor };
  });

  // `{ traceId, spans }`, streamed: a 100,000-span trace is read by a reader thread in pages and
  // sent as it comes, so neither the event loop nor memory notices its size.
  app.get('/api/v1/traces/:traceId', { schema: { tags, summary: 'One trace with all its spans (streamed)', params: TraceIdParams } }, async (request, reply) => {
    const { traceId } = request.params;
    const pages = await firstPage(store.scanTrace(traceId, TRACE_PAGE));
    if (!pages) throw new HubError('TRACE_NOT_FOUND', `no trace with id ${traceId}`);
    const body = pagedStream(pages, (spans, i) => (i === 0 ? '' : ',') + spans.join(','), `{"traceId":"${traceId}","spans":[`, ']}');
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get('/api/v1/spans', { schema: { tags, summary: 'Spans, newest first', querystring: SpanQueryParams } }, async (request) => {
    const page = await store.listSpans(spanQueryFrom(request.query));
    return { spans: page.items, nextCursor: page.nextCursor };
  });

  app.get('/api/v1/spans/:spanId', { schema: { tags, summary: 'One span', params: SpanIdParams } }, async (request) => {
    const { spanId } = request.params;
    const span = await store.getSpan(spanId);
    if (!span) throw new HubError('SPAN_NOT_FOUND', `no span with id ${spanId}`);
    return { span };
  });

  app.get('/api/v1/errors', { schema: { tags, summary: 'Error groups with their trend', querystring: ErrorQueryParams } }, async (request) => {
    return { groups: await store.listErrorGroups(request.query) };
  });

  app.get('/api/v1/sessions', { schema: { tags, summary: 'Sessions, newest first', querystring: SpanQueryParams } }, async (request) => {
    const page = await store.listSessions(spanQueryFrom(request.query));
    return { sessions: page.items, nextCursor: page.nextCursor };
  });
}
