import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { validateWorkflow } from '@runtime-hub/engine';
import { z } from 'zod';
import type { WorkflowService } from '../workflow-service.js';
import { pinSecretIssues } from './pin-secrets.js';

const WorkflowParams = z.object({ project: z.string(), workflow: z.string() });

/**
 * `POST …/workflows/:workflow/validate`: the save's validator without saving, so the studio can
 * mark problems on nodes and fields while the user edits. Always 200 with the issues found.
 */
export function registerValidateRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows'];
  app.post('/api/v1/projects/:project/workflows/:workflow/validate', { schema: { tags, summary: 'Validate a workflow definition without saving it (body: the definition)', params: WorkflowParams } }, (request) => {
    const { project, workflow } = request.params;
    service.catalog.requireProject(project);
    const body = request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body) ? { ...(request.body as Record<string, unknown>), id: workflow } : request.body;
    const others = service.catalog.listWorkflows(project).filter((w) => w.id !== workflow);
    const result = validateWorkflow(body, service.registry, { workflows: others });
    const errors = [...result.errors, ...pinSecretIssues(service, project, body)];
    return { valid: errors.length === 0, errors, warnings: result.warnings };
  });
}
