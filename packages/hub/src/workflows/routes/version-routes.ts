import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';

const WorkflowParams = z.object({ project: z.string(), workflow: z.string() });
const VersionParams = WorkflowParams.extend({ version: z.coerce.number().int().min(1) });
const ListQuery = z.object({
  /** Versions older than this one (the `nextBefore` of the previous page). */
  before: z.coerce.number().int().min(2).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

/**
 * Every saved version of a workflow, newest first, and one version's definition — for the
 * studio's history, diff and restore (restoring is a PUT of the old definition: a new version).
 */
export function registerVersionRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows']; // route schemas (zod) check params, query and small bodies before a handler runs
  const { catalog } = service;

  app.get('/api/v1/projects/:project/workflows/:workflow/versions', { schema: { tags, summary: 'Saved versions of a workflow, newest first', params: WorkflowParams, querystring: ListQuery } }, async (request) => {
    const { project, workflow } = request.params;
    const query = request.query;
    const latest = catalog.requireWorkflow(project, workflow).version ?? 0;
    const start = Math.min(latest, (query.before ?? latest + 1) - 1);
    const versions = [];
    let version = start;
    for (; version >= 1 && versions.length < query.limit; version--) {
      const record = await service.runs.getWorkflowVersion(project, workflow, version);
      if (!record) continue;
      const def = record.definition;
      versions.push({ version, savedAt: new Date(record.savedAt).toISOString(), name: def.name, nodes: def.nodes.length, edges: def.edges.length, current: version === latest });
    }
    return { versions, nextBefore: version >= 1 ? version + 1 : null };
  });

  app.get('/api/v1/projects/:project/workflows/:workflow/versions/:version', { schema: { tags, summary: 'One saved version of a workflow', params: VersionParams } }, async (request) => {
    const { project, workflow, version } = request.params;
    catalog.requireWorkflow(project, workflow);
    const record = await service.runs.getWorkflowVersion(project, workflow, version);
    if (!record) throw new WorkflowApiError('VERSION_NOT_FOUND', `workflow "${workflow}" has no version ${version}`);
    return { workflow: record.definition, savedAt: new Date(record.savedAt).toISOString() };
  });
}
