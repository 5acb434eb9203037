import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { type Annotation, ANNOTATION_LIMITS, type AnnotationQuery, type NewAnnotation } from '../store/annotations.js';
import { SpanIdParams, TraceIdParams } from './query-params.js';

const Kind = z.enum(['bookmark', 'note']);
const Label = z.string().min(1).max(ANNOTATION_LIMITS.labelChars);

const AnnotationFields = {
  kind: Kind,
  label: Label.optional(),
  text: z
    .string()
    .max(ANNOTATION_LIMITS.textBytes)
    .refine((text) => Buffer.byteLength(text) <= ANNOTATION_LIMITS.textBytes, { message: `must be at most ${ANNOTATION_LIMITS.textBytes} bytes of UTF-8` })
    .optional(),
  score: z.number().finite().optional(),
};
const noteHasText = (body: { kind: string; text?: string | undefined }) => body.kind === 'bookmark' || (body.text !== undefined && body.text.trim() !== '');
const NOTE_NEEDS_TEXT = { message: 'a note needs a text', path: ['text'] };

const AnnotationBody = z.object(AnnotationFields).strict().refine(noteHasText, NOTE_NEEDS_TEXT);

/** One line of an export, as `POST /api/v1/annotations/import` takes it back. */
const ImportedAnnotation = z
  .object({ ...AnnotationFields, spanId: SpanIdParams.shape.spanId, traceId: z.string().optional(), id: z.number().optional(), createdAt: z.number().finite().nonnegative().optional() })
  .strict()
  .refine(noteHasText, NOTE_NEEDS_TEXT);

const ImportBody = z.object({ annotations: z.array(z.unknown()).max(1000) }).strict();

const AnnotationIdParams = z.object({ id: z.coerce.number().int().positive() });

const AnnotationQueryParams = z.object({
  traceId: TraceIdParams.shape.traceId.optional(),
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
    return reply.status(201).send({ annotation: await store.addAnnotation(newAnnotation(span.traceId, { spanId, ...request.body })) });
  });

  app.post(
    '/api/v1/annotations/import',
    { schema: { tags, summary: 'Store bookmarks and notes from an export (each once, with its original time)', body: ImportBody } },
    async (request) => {
      let imported = 0;
      let existing = 0;
      const rejected: { index: number; code: string; message: string }[] = [];
      const valid: { index: number; record: z.output<typeof ImportedAnnotation> }[] = [];
      for (const [index, raw] of request.body.annotations.entries()) {
        const parsed = ImportedAnnotation.safeParse(raw);
        if (parsed.success) valid.push({ index, record: parsed.data });
        else {
          const issue = parsed.error.issues[0]!;
          rejected.push({ index, code: 'INVALID_FIELD', message: `${issue.path.join('.') || 'annotation'}: ${issue.message}` });
        }
      }
      // Oldest first (exports list them newest first), so the new ids keep their order in time.
      valid.sort((a, b) => (a.record.createdAt ?? Infinity) - (b.record.createdAt ?? Infinity) || b.index - a.index);
      for (const { index, record } of valid) {
        const span = await store.getSpan(record.spanId);
        if (!span) {
          rejected.push({ index, code: 'SPAN_NOT_FOUND', message: `no span with id ${record.spanId} (import the spans first)` });
          continue;
        }
        const input = newAnnotation(span.traceId, record);
        if (record.createdAt !== undefined) input.createdAt = record.createdAt;
        // Importing a file twice stores each annotation once: an equal one on the span is kept.
        const { items } = await store.listAnnotations({ spanId: record.spanId, limit: 500 });
        if (items.some((a) => sameAnnotation(a, input))) {
          existing++;
          continue;
        }
        await store.addAnnotation(input);
        imported++;
      }
      return { imported, existing, rejected: rejected.sort((a, b) => a.index - b.index) };
    },
  );

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

function newAnnotation(traceId: string, body: { spanId: string; kind: NewAnnotation['kind']; label?: string | undefined; text?: string | undefined; score?: number | undefined }): NewAnnotation {
  const input: NewAnnotation = { spanId: body.spanId, traceId, kind: body.kind };
  if (body.label !== undefined) input.label = body.label;
  if (body.text !== undefined) input.text = body.text;
  if (body.score !== undefined) input.score = body.score;
  return input;
}

function sameAnnotation(a: Annotation, b: NewAnnotation): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'bookmark') return true; // one bookmark per span
  return a.label === b.label && a.text === b.text && a.score === b.score && (b.createdAt === undefined || a.createdAt === b.createdAt);
}
