import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import type { SpanOutline } from '../store/store.js';
import { firstPage, pagedStream } from './paged-stream.js';
import { TraceIdParams } from './query-params.js';

/**
 * `GET /api/v1/traces/:traceId/outline`: every span of a trace without payloads, for the
 * dashboard's waterfall and flow graph of very large traces (payloads load per span, on click).
 *
 *     { traceId, spans: [[spanId, parentSpanId, serviceIndex, nameIndex, kind, startTime, endTime, status, seq], ..],
 *       services: [..], names: [..] }
 *
 * Services and names are listed once and referenced by index: a 100,000-span trace usually has
 * a handful of each, so the response is a third of the size of `GET /api/v1/traces/:traceId`.
 */
/** Spans per outline page (rows are ~150 bytes). */
const OUTLINE_PAGE = 2000;

export function registerTraceOutline(app: FastifyInstance, ctx: HubContext): void {
  const schema = { tags: ['queries'], summary: "A trace's spans without payloads (streamed), for huge traces", params: TraceIdParams };
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/traces/:traceId/outline', { schema }, async (request, reply) => {
    const { traceId } = request.params;
    const pages = await firstPage(ctx.store.scanTraceOutline(traceId, OUTLINE_PAGE));
    if (!pages) throw new HubError('TRACE_NOT_FOUND', `no trace with id ${traceId}`);
    // Streamed page by page; services and names are interned as pages pass and listed at the end.
    const services = new Interned();
    const names = new Interned();
    const render = (outline: SpanOutline[], index: number) => {
      const rows = outline.map(([spanId, parentSpanId, service, name, kind, start, end, status, seq]) =>
        JSON.stringify([spanId, parentSpanId, services.indexOf(service), names.indexOf(name), kind, start, end, status, seq]),
      );
      return (index === 0 ? '' : ',') + rows.join(',');
    };
    const tail = () => `],"services":${JSON.stringify(services.list)},"names":${JSON.stringify(names.list)}}`;
    return reply.type('application/json; charset=utf-8').send(pagedStream(pages, render, `{"traceId":"${traceId}","spans":[`, tail));
  });
}

/** Values listed once and referred to by index. */
class Interned {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}
