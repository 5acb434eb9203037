import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ProjectDefinition, VarName } from '@runtime-hub/protocol';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';
import { workflowSummary } from './presenters.js';

const ProjectParams = z.object({ project: z.string() });
const EnvParams = z.object({ project: z.string(), name: VarName });
const EnvBody = z.object({ value: z.string().max(64 * 1024) });

function parseProject(body: unknown, id?: string) {
  const input = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : body;
  if (id !== undefined && input && typeof input === 'object') {
    const record = input as Record<string, unknown>;
    if (record.id !== undefined && record.id !== id) throw new WorkflowApiError('PROJECT_INVALID', `the body's id "${String(record.id)}" does not match the URL's "${id}"`);
    record.id = id;
  }
  const result = ProjectDefinition.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new WorkflowApiError('PROJECT_INVALID', `${issues[0]?.path || 'project'}: ${issues[0]?.message}`, { issues });
  }
  return result.data;
}

/** Projects: `GET|POST /api/v1/projects`, `GET|PUT|DELETE /api/v1/projects/:project`, env vars. */
export function registerProjectRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows']; // route schemas (zod) check params, query and small bodies before a handler runs
  const { catalog } = service;

  app.get('/api/v1/projects', { schema: { tags, summary: 'Projects' } }, () => ({
    projects: catalog.listProjects().map((p) => ({ ...p, workflows: catalog.listWorkflows(p.id).length })),
  }));

  app.post('/api/v1/projects', { schema: { tags, summary: 'Create a project (body: the project definition, docs/workflows.md)' } }, async (request, reply) => {
    const project = parseProject(request.body);
    if (catalog.getProject(project.id)) throw new WorkflowApiError('PROJECT_EXISTS', `project "${project.id}" already exists; PUT to change it`);
    catalog.putProject(project);
    return reply.status(201).send({ project });
  });

  app.get('/api/v1/projects/:project', { schema: { tags, summary: 'One project', params: ProjectParams } }, (request) => {
    const { project } = request.params;
    const found = catalog.requireProject(project);
    return {
      project: found,
      workflows: catalog.listWorkflows(project).map(workflowSummary),
      invalidWorkflows: catalog.listInvalid(project),
      secrets: service.vault.names(project).map((s) => s.name),
    };
  });

  app.put('/api/v1/projects/:project', { schema: { tags, summary: 'Create or replace a project (body: the project definition)', params: ProjectParams } }, async (request, reply) => {
    const { project: id } = request.params;
    const project = parseProject(request.body, id);
    const created = !catalog.getProject(id);
    catalog.putProject(project);
    return reply.status(created ? 201 : 200).send({ project });
  });

  app.delete('/api/v1/projects/:project', { schema: { tags, summary: 'Delete a project', params: ProjectParams } }, async (request, reply) => {
    const { project } = request.params;
    catalog.requireProject(project);
    catalog.deleteProject(project);
    await service.vault.delete(project);
    await service.deleteSchedules(project);
    await service.syncSchedules();
    return reply.status(204).send();
  });

  app.get('/api/v1/projects/:project/env', { schema: { tags, summary: 'Environment variables of a project', params: ProjectParams } }, (request) => {
    const { project } = request.params;
    return { env: catalog.requireProject(project).env };
  });

  app.put('/api/v1/projects/:project/env/:name', { schema: { tags, summary: 'Set an environment variable', params: EnvParams, body: EnvBody } }, (request) => {
    const { project, name } = request.params;
    const { value } = request.body;
    const current = catalog.requireProject(project);
    catalog.putProject({ ...current, env: { ...current.env, [name]: value } });
    return { name, value };
  });

  app.delete('/api/v1/projects/:project/env/:name', { schema: { tags, summary: 'Delete an environment variable', params: EnvParams } }, async (request, reply) => {
    const { project, name } = request.params;
    const current = catalog.requireProject(project);
    if (!Object.hasOwn(current.env, name)) throw new WorkflowApiError('ENV_NOT_FOUND', `no environment variable "${name}" in project "${project}"`);
    const env = { ...current.env };
    delete env[name];
    catalog.putProject({ ...current, env });
    return reply.status(204).send();
  });
}
