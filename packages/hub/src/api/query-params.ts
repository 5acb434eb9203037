import { z } from 'zod';
import { HubError, SpanKind, SpanStatus, normalizeHexId } from '@runtime-hub/protocol';
import type { SpanQuery } from '../store/store.js';

/** A time as epoch milliseconds or an ISO 8601 date. */
const time = z.string().transform((text, ctx) => {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date' });
    return z.NEVER;
  }
  return n;
});

const hexIdParam = (length: number) =>
  z.string().transform((text, ctx) => {
    const id = normalizeHexId(text, length);
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be ${length} hex characters` });
      return z.NEVER;
    }
    return id;
  });

export const SpanQueryParams = z.object({
  service: z.string().min(1).optional(),
  traceId: hexIdParam(32).optional(),
  sessionId: z.string().min(1).optional(),
  kind: SpanKind.optional(),
  status: SpanStatus.optional(),
  q: z.string().max(1024).optional(),
  from: time.optional(),
  to: time.optional(),
  minDurationMs: z.coerce.number().nonnegative().optional(),
  errorGroup: z.string().regex(/^[0-9a-f]{16}$/, 'must be an error group id').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
});

/** Parses a query string with a schema; the error names each bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
    throw new HubError('INVALID_QUERY', message);
  }
  return parsed.data;
}

/** Path parameters of a trace's routes. */
export const TraceIdParams = z.object({ traceId: hexIdParam(32) });
/** Path parameters of a span's routes. */
export const SpanIdParams = z.object({ spanId: hexIdParam(16) });

/** The store query for parameters the route schema (SpanQueryParams) has already checked. */
export function spanQueryFrom(params: z.output<typeof SpanQueryParams>): SpanQuery {
  const result: SpanQuery = { limit: params.limit };
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
  }
  return result;
}
