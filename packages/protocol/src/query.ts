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

/** A live subscription: `socket.emit('subscribe', { filter, after, payloads })`. */
export const LiveSubscribe = z.object({
  filter: SpanFilter.default({}),
  /** The last cursor the client saw; the hub sends what came after it. */
  after: z.number().int().nonnegative().optional(),
  /**
   * Whole spans (input, output, attributes, events, error stack) instead of summaries. For a
   * narrow filter whose payloads the client shows at once (one trace, one run); the dashboard's
   * feed fetches payloads on demand instead.
   */
  payloads: z.boolean().default(false),
});
export type LiveSubscribe = z.infer<typeof LiveSubscribe>;
