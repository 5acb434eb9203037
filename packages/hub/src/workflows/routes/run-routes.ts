import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { decodeRunCursor } from '@runtime-hub/engine';
import { HubError, RUN_STATUSES } from '@runtime-hub/protocol';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';
import { runSummary } from './presenters.js';

export const RunListQuery = z.object({
  project: z.string().optional(),
  workflow: z.string().optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

const RunParams = z.object({ runId: z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be a run id (32 hex characters)' }) });
const RerunBody = z
  .object({
    fromNode: z.string().min(1).max(64).optional(),
    version: z.enum(['same', 'current']).optional(),
    /** An edited input for `fromNode` (any JSON; trigger-size limit). */
    input: z.unknown().optional(),
  })
  .default({});

export async function listRuns(service: WorkflowService, query: z.output<typeof RunListQuery>) {
  if (query.cursor !== undefined && !decodeRunCursor(query.cursor)) throw new HubError('INVALID_CURSOR', 'cursor: not a cursor this API returned');
  const page = await service.engine.listRuns(query);
  return { runs: page.runs.map(runSummary), nextCursor: page.nextCursor ?? null };
}

/** Runs: list, detail with steps, cancel, re-run. */
export function registerRunRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows']; // route schemas (zod) check params, query and small bodies before a handler runs
  const { engine } = service;

  app.get('/api/v1/runs', { schema: { tags, summary: 'Runs, newest first', querystring: RunListQuery } }, (request) => listRuns(service, request.query));

  app.get('/api/v1/runs/:runId', { schema: { tags, summary: 'One run with its steps', params: RunParams } }, async (request) => {
    const { runId } = request.params;
    const found = await engine.getRun(runId);
    if (!found) throw new WorkflowApiError('RUN_NOT_FOUND', `no run "${runId}"`);
    return found;
  });

  app.post('/api/v1/runs/:runId/cancel', { schema: { tags, summary: 'Cancel a run', params: RunParams } }, async (request) => {
    const { runId } = request.params;
    return { run: runSummary(await engine.cancel(runId)) };
  });

  app.post('/api/v1/runs/:runId/rerun', { schema: { tags, summary: 'Re-run a run, from the start or from a node', params: RunParams, body: RerunBody.optional() } }, async (request, reply) => {
    const { runId } = request.params;
    const body = request.body ?? {};
    const run = await engine.rerun(runId, body);
    return reply.status(201).send({ runId: run.id, status: run.status });
  });
}
