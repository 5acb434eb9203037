import type { FastifyInstance } from 'fastify';
import { analyticsOf } from '../analytics/register.js';
import { alertStoreOf } from '../alerts/register.js';
import type { HubContext } from '../context.js';
import { HubMetrics } from './prometheus.js';

/**
 * GET /metrics in the Prometheus text format. It sits behind the hub's token like every route:
 * a scraper sends `Authorization: Bearer <token>` (docs/analytics.md shows the scrape config).
 */
export function registerPrometheus(app: FastifyInstance, ctx: HubContext): void {
  const metrics = new HubMetrics({
    liveClients: () => ctx.live.namespace.sockets.size,
    liveQueuedSpans: () => ctx.live.queuedSpans,
    spansStored: () => ctx.store.spanCount(),
    databaseBytes: () => ({ spans: ctx.store.sizeBytes(), ...(analyticsOf(ctx) ? { analytics: analyticsOf(ctx)!.store.sizeBytes() } : {}) }),
    alertsFiring: () => alertStoreOf(ctx)?.countFiring() ?? 0,
  });
  ctx.onIngest((result, writeMs) => metrics.onIngest(result, writeMs));
  ctx.onSpans((spans) => metrics.onSpans(spans));

  app.get('/metrics', { schema: { tags: ['metrics'], summary: 'Prometheus metrics: ingest, store, live channel, databases, workflow runs, alerts' } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
