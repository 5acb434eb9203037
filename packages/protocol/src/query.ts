import { z } from 'zod';
import { SpanKind, SpanStatus } from './span.js';

/** Filters shared by the query API, exports and live subscriptions. */
export const SpanFilter = z.object({
  service: z.string().min(1).optional(),
  traceId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
  kind: SpanKind.optional(),
  status: SpanStatus.optional(),
});
export type SpanFilter = z.infer<typeof SpanFilter>;

/** A live subscription: `socket.emit('subscribe', { filter, after })`. */
export const LiveSubscribe = z.object({
  filter: SpanFilter.default({}),
  /** The last cursor the client saw; the hub sends what came after it. */
  after: z.number().int().nonnegative().optional(),
});
export type LiveSubscribe = z.infer<typeof LiveSubscribe>;
