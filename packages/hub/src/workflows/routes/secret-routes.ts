import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { VarName } from '@runtime-hub/protocol';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';

const ProjectParams = z.object({ project: z.string() });
const SecretParams = z.object({ project: z.string(), name: VarName });
const SecretBody = z.object({ value: z.string().min(1, { message: 'must not be empty' }).max(64 * 1024) });

/** Secrets: names only ever leave the hub; values go in and stay encrypted. */
export function registerSecretRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows']; // route schemas (zod) check params, query and small bodies before a handler runs
  const { catalog, vault } = service;

  app.get('/api/v1/projects/:project/secrets', { schema: { tags, summary: 'Secret names of a project (never values)', params: ProjectParams } }, async (request) => {
    const { project } = request.params;
    catalog.requireProject(project);
    await vault.refresh(project); // another hub may have changed them (scaled mode)
    return { secrets: vault.names(project) };
  });

  app.put('/api/v1/projects/:project/secrets/:name', { schema: { tags, summary: 'Set a secret', params: SecretParams, body: SecretBody } }, async (request) => {
    const { project, name } = request.params;
    catalog.requireProject(project);
    const { value } = request.body;
    return { secret: await vault.put(project, name, value) };
  });

  app.delete('/api/v1/projects/:project/secrets/:name', { schema: { tags, summary: 'Delete a secret', params: SecretParams } }, async (request, reply) => {
    const { project, name } = request.params;
    catalog.requireProject(project);
    if (!(await vault.delete(project, name))) throw new WorkflowApiError('SECRET_NOT_FOUND', `no secret "${name}" in project "${project}"`);
    return reply.status(204).send();
  });
}
