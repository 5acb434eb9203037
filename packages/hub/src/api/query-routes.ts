import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubError, normalizeHexId } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { firstPage, pagedStream } from './paged-stream.js';
import { parseQuery, SpanQueryParams, spanQueryFrom } from './query-params.js';

/** Spans per page of a streamed trace (about 0.5 MB of text with typical payloads). */
const TRACE_PAGE = 500;

const ErrorQueryParams = SpanQueryParams.pick({ service: true, from: true, to: true }).extend({
  bucketMs: z.coerce.number().int().min(1000).default(3_600_000),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The read side: services, traces, spans, error groups and sessions. */
export function registerQueries(app: FastifyInstance, ctx: HubContext): void {
  const { store } = ctx;

  app.get('/api/v1/services', async () => {
    const [services, usage] = await Promise.all([ctx.presence.list(), store.usageByService?.()]);
    if (!usage) return { services };
    return { services: services.map((s) => ({ ...s, usage: usage.get(s.service) ?? { inputTokens: 0, outputTokens: 0, costUsd: null, unpricedCalls: 0, costPartial: false } })) };
  });

  app.get('/api/v1/traces', async (request) => {
    const page = await store.listTraces(spanQueryFrom(request.query));
    return { traces: page.items, nextCursor: page.nextCursor };
  });

  // `{ traceId, spans }`, streamed: a 100,000-span trace is read by a reader thread in pages and
  // sent as it comes, so neither the event loop nor memory notices its size.
  app.get<{ Params: { traceId: string } }>('/api/v1/traces/:traceId', async (request, reply) => {
    const traceId = normalizeHexId(request.params.traceId, 32);
    if (!traceId) throw new HubError('INVALID_QUERY', 'traceId: must be 32 hex characters');
    const pages = await firstPage(store.scanTrace(traceId, TRACE_PAGE));
    if (!pages) throw new HubError('TRACE_NOT_FOUND', `no trace with id ${traceId}`);
    const body = pagedStream(pages, (spans, i) => (i === 0 ? '' : ',') + spans.join(','), `{"traceId":"${traceId}","spans":[`, ']}');
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get('/api/v1/spans', async (request) => {
    const page = await store.listSpans(spanQueryFrom(request.query));
    return { spans: page.items, nextCursor: page.nextCursor };
  });

  app.get<{ Params: { spanId: string } }>('/api/v1/spans/:spanId', async (request) => {
    const spanId = normalizeHexId(request.params.spanId, 16);
    if (!spanId) throw new HubError('INVALID_QUERY', 'spanId: must be 16 hex characters');
    const span = await store.getSpan(spanId);
    if (!span) throw new HubError('SPAN_NOT_FOUND', `no span with id ${spanId}`);
    return { span };
  });

  app.get('/api/v1/errors', async (request) => {
    const params = parseQuery(ErrorQueryParams, request.query);
    return { groups: await store.listErrorGroups(params) };
  });

  app.get('/api/v1/sessions', async (request) => {
    const page = await store.listSessions(spanQueryFrom(request.query));
    return { sessions: page.items, nextCursor: page.nextCursor };
  });
}
