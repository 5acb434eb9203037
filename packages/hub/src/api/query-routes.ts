import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubError, normalizeHexId } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { parseQuery, SpanQueryParams, spanQueryFrom } from './query-params.js';

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
    return { services: services.map((s) => ({ ...s, usage: usage.get(s.service) ?? { inputTokens: 0, outputTokens: 0, costUsd: null } })) };
  });

  app.get('/api/v1/traces', async (request) => {
    const page = await store.listTraces(spanQueryFrom(request.query));
    return { traces: page.items, nextCursor: page.nextCursor };
  });

  app.get<{ Params: { traceId: string } }>('/api/v1/traces/:traceId', async (request) => {
    const traceId = normalizeHexId(request.params.traceId, 32);
    if (!traceId) throw new HubError('INVALID_QUERY', 'traceId: must be 32 hex characters');
    const spans = await store.getTrace(traceId);
    if (spans.length === 0) throw new HubError('TRACE_NOT_FOUND', `no trace with id ${traceId}`);
    return { traceId, spans };
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
