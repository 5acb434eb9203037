import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';
import { refusePinnedSecrets } from './pin-secrets.js';
import { scheduleView, workflowSummary } from './presenters.js';
import { RunListQuery, listRuns } from './run-routes.js';

const ProjectParams = z.object({ project: z.string() });
const WorkflowParams = z.object({ project: z.string(), workflow: z.string() });
const StartQuery = z.object({
  wait: z.enum(['true', 'false', '1', '0']).optional(),
  timeoutMs: z.coerce.number().int().min(1).max(3_600_000).optional(),
});

/** Workflows of a project, their schedules, and starting runs by hand. */
export function registerWorkflowRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows']; // route schemas (zod) check params, query and small bodies before a handler runs
  const { catalog, engine } = service;

  app.get('/api/v1/projects/:project/workflows', { schema: { tags, summary: 'Workflows of a project', params: ProjectParams } }, (request) => {
    const { project } = request.params;
    catalog.requireProject(project);
    return { workflows: catalog.listWorkflows(project).map(workflowSummary), invalidWorkflows: catalog.listInvalid(project) };
  });

  app.post('/api/v1/projects/:project/workflows', { schema: { tags, summary: 'Create a workflow (body: the workflow definition)', params: ProjectParams } }, async (request, reply) => {
    const { project } = request.params;
    catalog.requireProject(project);
    refusePinnedSecrets(service, project, request.body);
    const saved = await catalog.saveWorkflow(project, request.body, { create: true });
    await service.syncSchedules();
    return reply.status(201).send({ workflow: saved.workflow, warnings: saved.warnings });
  });

  app.get('/api/v1/projects/:project/workflows/:workflow', { schema: { tags, summary: 'One workflow', params: WorkflowParams } }, async (request) => {
    const { project, workflow } = request.params;
    const found = catalog.requireWorkflow(project, workflow);
    const schedule = found.trigger.type === 'cron' ? await service.scheduler.status(project, workflow) : undefined;
    return { workflow: found, schedule: schedule ? scheduleView(schedule) : null };
  });

  app.put('/api/v1/projects/:project/workflows/:workflow', { schema: { tags, summary: 'Create or replace a workflow (body: the workflow definition)', params: WorkflowParams } }, async (request, reply) => {
    const { project, workflow } = request.params;
    catalog.requireProject(project);
    refusePinnedSecrets(service, project, request.body);
    const saved = await catalog.saveWorkflow(project, request.body, { create: false, id: workflow });
    await service.syncSchedules();
    return reply.status(saved.created ? 201 : 200).send({ workflow: saved.workflow, warnings: saved.warnings });
  });

  app.delete('/api/v1/projects/:project/workflows/:workflow', { schema: { tags, summary: 'Delete a workflow', params: WorkflowParams } }, async (request, reply) => {
    const { project, workflow } = request.params;
    catalog.deleteWorkflow(project, workflow);
    await service.deleteSchedules(project, workflow);
    await service.syncSchedules();
    return reply.status(204).send();
  });

  app.post('/api/v1/projects/:project/workflows/:workflow/runs', { schema: { tags, summary: 'Start a run (body: the trigger data); ?wait=true answers when it ends', params: WorkflowParams, querystring: StartQuery } }, async (request, reply) => {
    const { project, workflow } = request.params;
    const query = request.query;
    catalog.requireWorkflow(project, workflow);
    const run = await engine.startRun({ project, workflow, trigger: { type: 'manual', body: request.body ?? null } });
    if (query.wait !== 'true' && query.wait !== '1') return reply.status(201).send({ runId: run.id, status: run.status });
    const finished = ['succeeded', 'failed', 'cancelled'].includes(run.status)
      ? run
      : await Promise.race([engine.waitForRun(run.id), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), query.timeoutMs ?? 30_000).unref())]);
    if (!finished) return reply.status(202).send({ runId: run.id, status: 'running' });
    return reply.status(201).send({ runId: run.id, status: finished.status, output: finished.output ?? null, error: finished.error ?? null });
  });

  app.get('/api/v1/projects/:project/workflows/:workflow/runs', { schema: { tags, summary: 'Runs of a workflow', params: WorkflowParams, querystring: RunListQuery } }, async (request) => {
    const { project, workflow } = request.params;
    catalog.requireWorkflow(project, workflow);
    const query = request.query;
    return listRuns(service, { ...query, project, workflow });
  });

  app.get('/api/v1/projects/:project/workflows/:workflow/schedule', { schema: { tags, summary: 'The cron schedule of a workflow', params: WorkflowParams } }, async (request) => {
    const { project, workflow } = request.params;
    const found = catalog.requireWorkflow(project, workflow);
    const status = found.trigger.type === 'cron' ? await service.scheduler.status(project, workflow) : undefined;
    if (!status) throw new WorkflowApiError('SCHEDULE_NOT_FOUND', `workflow "${workflow}" has no cron trigger`);
    return { schedule: scheduleView(status) };
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/api/v1/projects/:project/workflows/:workflow/schedule/${action}`, { schema: { tags, summary: `${action === 'pause' ? 'Pause' : 'Resume'} the cron schedule of a workflow`, params: WorkflowParams } }, async (request) => {
      const { project, workflow } = request.params;
      const found = catalog.requireWorkflow(project, workflow);
      const status = found.trigger.type === 'cron' ? await service.scheduler[action](project, workflow) : undefined;
      if (!status) throw new WorkflowApiError('SCHEDULE_NOT_FOUND', `workflow "${workflow}" has no cron trigger`);
      return { schedule: scheduleView(status) };
    });
  }

}
