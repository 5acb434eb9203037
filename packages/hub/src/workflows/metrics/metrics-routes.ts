import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HubError } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { RunMetricsStore } from './run-metrics.js';

const RANGES: Record<string, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const SLUG = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);

const RangeQuery = z.object({
  range: z.enum(Object.keys(RANGES) as [string, ...string[]]).optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
});
const MetricsQuery = RangeQuery.extend({ project: SLUG.optional(), workflow: SLUG.optional() });

/** `range=24h` (up to now), or `from` / `to` in epoch ms; at most 400 days. */
function rangeOf(query: z.infer<typeof RangeQuery>, now: number): { from: number; to: number } {
  const to = query.to ?? now;
  const from = query.from ?? to - RANGES[query.range ?? '24h']!;
  if (from >= to) throw new HubError('INVALID_QUERY', `from (${from}) must be before to (${to})`, { field: 'from' });
  if (to - from > 400 * 86_400_000) throw new HubError('INVALID_QUERY', 'the range may span at most 400 days', { field: 'from' });
  return { from, to };
}

/**
 * Workflow metrics from the rollups (never raw runs): `GET /api/v1/workflow-metrics` for the
 * metrics view, `GET /api/v1/workflow-metrics/projects` for the project cards.
 */
export function registerMetricsRoutes(root: FastifyInstance, metrics: RunMetricsStore): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows'];
  app.get('/api/v1/workflow-metrics', { schema: { tags, summary: 'Executions, success rate, durations, trend, errors and slowest nodes of workflow runs', querystring: MetricsQuery } }, (request) => {
    const { project, workflow } = request.query;
    if (workflow !== undefined && project === undefined) throw new HubError('INVALID_QUERY', 'workflow needs project', { field: 'workflow' });
    return metrics.report({ project, workflow, ...rangeOf(request.query, Date.now()) });
  });
  app.get('/api/v1/workflow-metrics/projects', { schema: { tags, summary: 'Run figures per project, and when each project\'s workflows last changed', querystring: RangeQuery } }, async (request) => {
    const range = rangeOf(request.query, Date.now());
    const [projects, lastChanges] = await Promise.all([metrics.projects(range), metrics.lastChanges()]);
    return { range, projects, lastChanges };
  });
}
