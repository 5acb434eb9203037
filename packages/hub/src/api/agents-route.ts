import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import type { AgentRunQuery } from '../store/agent-runs.js';
import { SpanQueryParams } from './query-params.js';

const AgentQueryParams = SpanQueryParams.pick({ service: true, q: true, from: true, to: true, cursor: true }).extend({
  model: z.string().min(1).max(256).optional(),
  state: z.enum(['running', 'error', 'ok']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * `GET /api/v1/agents`: agent runs and sessions (Claude Code sessions, traces whose root is an
 * agent or that hold LLM calls), newest first, with models, turns, tool calls, tokens, cost and
 * whether they are running. One run's spans come from the trace routes.
 */
export function registerAgents(root: FastifyInstance, ctx: HubContext): void {
  const schema = { tags: ['queries'], summary: 'Agent runs and sessions, newest first', querystring: AgentQueryParams };
  root.withTypeProvider<ZodTypeProvider>().get('/api/v1/agents', { schema }, async (request) => {
    if (!ctx.store.listAgentRuns) throw new HubError('NOT_FOUND', 'this span store does not list agent runs');
    const query: AgentRunQuery = { limit: request.query.limit };
    for (const [key, value] of Object.entries(request.query)) {
      if (value !== undefined) (query as unknown as Record<string, unknown>)[key] = value;
    }
    const page = await ctx.store.listAgentRuns(query);
    return { runs: page.items, nextCursor: page.nextCursor };
  });
}
