import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Span } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { spanHead } from '../live/span-summary.js';
import type { SpanJson, SpanStore } from '../store/store.js';
import { pagedStream } from './paged-stream.js';
import { SpanQueryParams, spanQueryFrom } from './query-params.js';

/** Spans per export page. */
const EXPORT_PAGE = 500;

const ExportParams = SpanQueryParams.extend({
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  /** JSON Lines only: each page's spans are followed by their bookmarks and notes. */
  annotations: z.enum(['true', 'false']).default('true'),
});

const CSV_COLUMNS = [
  'traceId', 'spanId', 'parentSpanId', 'service', 'name', 'kind', 'startTime', 'endTime', 'durationMs',
  'status', 'sessionId', 'errorType', 'errorMessage', 'input', 'output', 'attributes',
] as const;

/**
 * `GET /api/v1/export?format=jsonl|csv&<filters>`: every matching span, oldest first, streamed
 * page by page with backpressure; memory stays flat whatever the export's size.
 */
export function registerExport(app: FastifyInstance, ctx: HubContext): void {
  const summary = 'Every matching span, oldest first, as JSON Lines or CSV (streamed)';
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/export', { schema: { tags: ['queries'], summary, querystring: ExportParams } }, async (request, reply) => {
    const { format, annotations, ...params } = request.query;
    // Exports take the filters of every other query; limit and cursor do not apply.
    const { limit: _limit, cursor: _cursor, ...query } = spanQueryFrom(params);
    // Spans come as JSON text from a reader thread: JSON Lines copies them through, CSV parses
    // one page at a time.
    const pages = ctx.store.scanSpans(query, EXPORT_PAGE);
    const body =
      format === 'csv'
        ? pagedStream(pages, (spans) => spans.map((json) => csvLine(JSON.parse(json) as Span)).join(''), `${CSV_COLUMNS.join(',')}\n`)
        : annotations === 'true'
          ? pagedStream(withAnnotations(ctx.store, pages), (lines) => `${lines.join('\n')}\n`)
          : pagedStream(pages, (spans) => `${spans.join('\n')}\n`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="runtime-hub-spans-${stamp}.${format}"`)
      .send(body);
  });
}

/**
 * Each page of span lines followed by a line `{"annotation": {...}}` per bookmark or note on those
 * spans: an export carries what people wrote about the spans, and the dashboard's import sends
 * those lines to `POST /api/v1/annotations/import` once the spans are in.
 */
async function* withAnnotations(store: SpanStore, pages: AsyncIterable<SpanJson[]>): AsyncIterable<string[]> {
  for await (const spans of pages) {
    // The span id is the second field of a stored span's JSON: read it without parsing the payloads.
    const ids = new Set(spans.map((json) => SPAN_ID.exec(json.slice(0, 200))?.[1]).filter((id): id is string => id !== undefined));
    const lines = [...spans];
    let cursor: string | undefined;
    do {
      const page = await store.listAnnotations({ spanIds: [...ids], limit: 500, ...(cursor ? { cursor } : {}) });
      for (const annotation of page.items) if (ids.has(annotation.spanId)) lines.push(JSON.stringify({ annotation }));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    yield lines;
  }
}

const SPAN_ID = /"spanId":"([0-9a-f]{16})"/;

function csvLine(span: Span): string {
  // The head columns are the fields every payload-less view of a span has; the cells follow CSV_COLUMNS.
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...spanHead(span),
    errorType: span.error?.type,
    errorMessage: span.error?.message,
    input: span.input === undefined ? undefined : JSON.stringify(span.input),
    output: span.output === undefined ? undefined : JSON.stringify(span.output),
    attributes: span.attributes === undefined ? undefined : JSON.stringify(span.attributes),
  };
  return `${CSV_COLUMNS.map((column) => csvCell(values[column])).join(',')}\n`;
}

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
