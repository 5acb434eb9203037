import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import { HOUR, MINUTE, type MetricsFilter, type RollupStore } from './rollup-store.js';

/** Steps a chart may use, ms: the smallest that gives at most MAX_POINTS points is chosen. */
const STEPS = [1, 5, 10, 30, 60, 180, 360, 720, 1440].map((m) => m * MINUTE);
const MAX_POINTS = 150;
/** Longest range one query may cover. */
const MAX_RANGE = 400 * 24 * HOUR;

const time = z.string().transform((text, ctx) => {
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date' });
    return z.NEVER;
  }
  return n;
});

const FilterParams = z.object({
  from: time.optional(),
  to: time.optional(),
  service: z.string().min(1).max(256).optional(),
  name: z.string().min(1).max(1024).optional(),
  model: z.string().min(1).max(256).optional(),
  kind: z.string().min(1).max(32).optional(),
});

const SeriesParams = FilterParams.extend({ step: z.coerce.number().int().min(MINUTE).optional() });

const BreakdownParams = FilterParams.extend({
  by: z.enum(['service', 'function', 'model', 'workflow']).default('function'),
  sort: z.enum(['calls', 'errors', 'errorRate', 'p95', 'cost']).default('calls'),
  limit: z.coerce.number().int().min(1).max(500).default(20),
});

/** The filter of a request: the last hour by default; a clear 400 for a range that makes no sense. */
function filterOf(query: z.infer<typeof FilterParams>, now: number): MetricsFilter {
  const to = query.to ?? now;
  const from = query.from ?? to - HOUR;
  if (from >= to) throw new HubError('INVALID_QUERY', `from (${from}) must be before to (${to})`, { from, to });
  if (to - from > MAX_RANGE) throw new HubError('INVALID_QUERY', `the range covers more than ${MAX_RANGE / (24 * HOUR)} days`, { from, to });
  const filter: MetricsFilter = { from, to };
  for (const key of ['service', 'name', 'model', 'kind'] as const) if (query[key] !== undefined) filter[key] = query[key];
  return filter;
}

export function autoStep(from: number, to: number): number {
  return STEPS.find((step) => (to - from) / step <= MAX_POINTS) ?? STEPS.at(-1)!;
}

/**
 * GET /api/v1/metrics/series and /breakdown: charts and tables of the Metrics view, answered from
 * rollups (never from the spans table), on the analytics thread.
 */
export function registerMetricsRoutes(root: FastifyInstance, store: RollupStore, flush: () => Promise<void>): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['metrics'];

  app.get('/api/v1/metrics/series', { schema: { tags, summary: 'Calls, errors, latency quantiles, tokens and cost per time step', querystring: SeriesParams } }, async (request) => {
    const filter = filterOf(request.query, Date.now());
    const step = request.query.step ?? autoStep(filter.from, filter.to);
    if ((filter.to - filter.from) / step > 2000) throw new HubError('INVALID_QUERY', `step ${step} gives more than 2000 points over this range`, { step });
    await flush();
    return store.series(filter, step);
  });

  app.get('/api/v1/metrics/breakdown', { schema: { tags, summary: 'Totals per service, function, model or workflow, sorted', querystring: BreakdownParams } }, async (request) => {
    const { by, sort, limit } = request.query;
    const filter = filterOf(request.query, Date.now());
    await flush();
    return { by, sort, from: filter.from, to: filter.to, rows: await store.breakdown({ ...filter, by, sort, limit }) };
  });
}
