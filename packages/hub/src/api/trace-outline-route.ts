import type { FastifyInstance } from 'fastify';
import { HubError, normalizeHexId } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import type { SpanOutline } from '../store/store.js';

/**
 * `GET /api/v1/traces/:traceId/outline`: every span of a trace without payloads, for the
 * dashboard's waterfall and flow graph of very large traces (payloads load per span, on click).
 *
 *     { traceId, services: [..], names: [..],
 *       spans: [[spanId, parentSpanId, serviceIndex, nameIndex, kind, startTime, endTime, status, seq], ..] }
 *
 * Services and names are listed once and referenced by index: a 100,000-span trace usually has
 * a handful of each, so the response is a third of the size of `GET /api/v1/traces/:traceId`.
 */
export function registerTraceOutline(app: FastifyInstance, ctx: HubContext): void {
  app.get<{ Params: { traceId: string } }>('/api/v1/traces/:traceId/outline', async (request) => {
    const traceId = normalizeHexId(request.params.traceId, 32);
    if (!traceId) throw new HubError('INVALID_QUERY', 'traceId: must be 32 hex characters');
    const { store } = ctx;
    const outline: SpanOutline[] = store.getTraceOutline
      ? await store.getTraceOutline(traceId)
      : (await store.getTrace(traceId)).map((s) => [s.spanId, s.parentSpanId, s.service, s.name, s.kind, s.startTime, s.endTime, s.status, s.seq]);
    if (outline.length === 0) throw new HubError('TRACE_NOT_FOUND', `no trace with id ${traceId}`);
    return compact(traceId, outline);
  });
}

function compact(traceId: string, outline: SpanOutline[]) {
  const services: string[] = [];
  const names: string[] = [];
  const serviceIndex = new Map<string, number>();
  const nameIndex = new Map<string, number>();
  const indexOf = (map: Map<string, number>, list: string[], value: string) => {
    let i = map.get(value);
    if (i === undefined) {
      i = list.length;
      list.push(value);
      map.set(value, i);
    }
    return i;
  };
  const spans = outline.map(([spanId, parentSpanId, service, name, kind, start, end, status, seq]) => [
    spanId,
    parentSpanId,
    indexOf(serviceIndex, services, service),
    indexOf(nameIndex, names, name),
    kind,
    start,
    end,
    status,
    seq,
  ]);
  return { traceId, services, names, spans };
}
