import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { ANNOTATION_LIMITS, type AnnotationQuery, type NewAnnotation } from '../store/annotations.js';
import { SpanIdParams } from './query-params.js';

const Kind = z.enum(['bookmark', 'note']);
const Label = z.string().min(1).max(ANNOTATION_LIMITS.labelChars);

const AnnotationBody = z
  .object({
    kind: Kind,
    label: Label.optional(),
    text: z
      .string()
      .max(ANNOTATION_LIMITS.textBytes)
      .refine((text) => Buffer.byteLength(text) <= ANNOTATION_LIMITS.textBytes, { message: `must be at most ${ANNOTATION_LIMITS.textBytes} bytes of UTF-8` })
      .optional(),
    score: z.number().finite().optional(),
  })
  .strict()
  .refine((body) => body.kind === 'bookmark' || (body.text !== undefined && body.text.trim() !== ''), {
    message: 'a note needs a text',
    path: ['text'],
  });

const AnnotationIdParams = z.object({ id: z.coerce.number().int().positive() });

const AnnotationQueryParams = z.object({
  kind: Kind.optional(),
  label: Label.optional(),
  q: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

/**
 * Bookmarks and notes on spans (issue 11): a person marks a call to come back to, or writes what
 * they saw in it, with an optional label and score. The hub's store keeps them next to the spans.
 */
export function registerAnnotations(root: FastifyInstance, ctx: HubContext): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['annotations'];
  const { store } = ctx;

  app.get('/api/v1/spans/:spanId/annotations', { schema: { tags, summary: "A span's bookmark and notes, newest first", params: SpanIdParams } }, async (request) => {
    const page = await store.listAnnotations({ spanId: request.params.spanId, limit: 500 });
    return { annotations: page.items };
  });

  app.post('/api/v1/spans/:spanId/annotations', { schema: { tags, summary: 'Bookmark a span or add a note to it', params: SpanIdParams, body: AnnotationBody } }, async (request, reply) => {
    const { spanId } = request.params;
    const span = await store.getSpan(spanId);
    if (!span) throw new HubError('SPAN_NOT_FOUND', `no span with id ${spanId}`);
    const input: NewAnnotation = { spanId, traceId: span.traceId, kind: request.body.kind };
    if (request.body.label !== undefined) input.label = request.body.label;
    if (request.body.text !== undefined) input.text = request.body.text;
    if (request.body.score !== undefined) input.score = request.body.score;
    return reply.status(201).send({ annotation: await store.addAnnotation(input) });
  });

  app.delete('/api/v1/annotations/:id', { schema: { tags, summary: 'Delete a bookmark or note', params: AnnotationIdParams } }, async (request, reply) => {
    const { id } = request.params;
    if (!(await store.deleteAnnotation(id))) throw new HubError('ANNOTATION_NOT_FOUND', `no bookmark or note with id ${id}`);
    return reply.status(204).send();
  });

  app.get('/api/v1/annotations', { schema: { tags, summary: 'Bookmarks and notes across spans, newest first', querystring: AnnotationQueryParams } }, async (request) => {
    const query: AnnotationQuery = { limit: request.query.limit };
    for (const [key, value] of Object.entries(request.query)) {
      if (value !== undefined) (query as unknown as Record<string, unknown>)[key] = value;
    }
    const page = await store.listAnnotations(query);
    return { annotations: page.items, nextCursor: page.nextCursor };
  });
}
