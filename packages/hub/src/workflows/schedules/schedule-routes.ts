import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { cronProblem } from '@runtime-hub/engine';
import { HubError } from '@runtime-hub/protocol';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import { scheduleView } from '../routes/presenters.js';
import type { WorkflowService } from '../workflow-service.js';

const SLUG = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const WorkflowParams = z.object({ project: SLUG, workflow: SLUG });
const ScheduleBody = z.object({
  expression: z.string().min(1).max(256),
  timezone: z.string().min(1).max(64).default('UTC'),
  missed: z.enum(['skip', 'run-once']).default('skip'),
  /** The workflow's version the editor started from (409 VERSION_CONFLICT when it changed since). */
  version: z.number().int().min(1).optional(),
});

/**
 * Every schedule of the hub on one page, and editing one workflow's schedule without opening the
 * editor: `PUT …/schedule` saves a new version of the workflow with a cron trigger. Pause and
 * resume (stored, so they survive a restart) are `POST …/schedule/pause|resume`.
 */
export function registerScheduleRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows'];
  const { catalog, scheduler } = service;

  app.get('/api/v1/schedules', { schema: { tags, summary: 'Every cron schedule with its next runs' } }, async () => {
    const schedules = [];
    for (const workflow of catalog.allWorkflows()) {
      if (workflow.trigger.type !== 'cron') continue;
      const status = await scheduler.status(workflow.project as string, workflow.id);
      if (!status) continue;
      const view = scheduleView(status);
      schedules.push({ project: workflow.project as string, workflow: workflow.id, name: workflow.name, ...view, nextRun: status.paused ? null : (view.nextRuns[0] ?? null) });
    }
    schedules.sort((a, b) => (a.nextRun ?? '~').localeCompare(b.nextRun ?? '~') || a.project.localeCompare(b.project) || a.workflow.localeCompare(b.workflow));
    return { schedules };
  });

  app.put('/api/v1/projects/:project/workflows/:workflow/schedule', { schema: { tags, summary: 'Set the cron schedule of a workflow (saves a new version)', params: WorkflowParams, body: ScheduleBody } }, async (request) => {
    const { project, workflow } = request.params;
    const body = request.body;
    const problem = cronProblem(body);
    if (problem) throw new HubError('INVALID_BODY', `${problem.field}: ${problem.message}`, { field: problem.field });
    const current = catalog.requireWorkflow(project, workflow);
    if (body.version !== undefined && body.version !== current.version) {
      throw new WorkflowApiError('VERSION_CONFLICT', `the workflow is at version ${current.version}, not ${body.version}`, { current: current.version });
    }
    const trigger = { type: 'cron' as const, expression: body.expression, timezone: body.timezone, missed: body.missed };
    const saved = await catalog.saveWorkflow(project, { ...current, trigger }, { create: false, id: workflow });
    await service.syncSchedules();
    const status = await scheduler.status(project, workflow);
    return { workflow: saved.workflow, schedule: status ? scheduleView(status) : null };
  });
}
