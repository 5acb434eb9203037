import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { EXPRESSION_ROOTS, FILTER_NAMES, TRIGGER_TYPES, cronProblem, describeNodeTypes, nextFires } from '@runtime-hub/engine';
import { HubError } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { WorkflowService } from '../workflow-service.js';

const CronQuery = z.object({
  expression: z.string().min(1).max(256),
  timezone: z.string().min(1).max(64).default('UTC'),
  count: z.coerce.number().int().min(1).max(50).default(5),
});

/** What the editor needs to build its panels: node types, triggers, expression help; cron previews. */
export function registerCatalogRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows']; // route schemas (zod) check params, query and small bodies before a handler runs
  app.get('/api/v1/node-types', { schema: { tags, summary: 'Node types the engine runs, with their config schemas' } }, () => ({
    nodeTypes: describeNodeTypes(service.registry),
    triggers: TRIGGER_TYPES,
    expressions: { roots: EXPRESSION_ROOTS, filters: FILTER_NAMES },
  }));

  app.get('/api/v1/cron/next', { schema: { tags, summary: 'The next times a cron expression fires', querystring: CronQuery } }, (request) => {
    const query = request.query;
    const problem = cronProblem(query);
    if (problem) throw new HubError('INVALID_QUERY', `${problem.field}: ${problem.message}`);
    return { nextRuns: nextFires(query, query.count, Date.now()).map((t) => new Date(t).toISOString()) };
  });
}
