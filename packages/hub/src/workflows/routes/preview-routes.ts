import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { renderTemplate } from '@runtime-hub/engine';
import { z } from 'zod';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';

const RunParams = z.object({ runId: z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be a run id (32 hex characters)' }) });
const PreviewBody = z.object({ template: z.string().max(64 * 1024), nodeId: z.string().min(1).max(64).optional() });

/**
 * `POST /api/v1/runs/:runId/preview`: a config value's `{{ }}` expressions evaluated against what
 * a recorded run saw — the node's input, every node's output, trigger, env, run, workflow, project
 * — for the studio's live preview. Values come from the run store, already redacted; secrets are
 * not read (a preview never computes with a secret's value).
 */
export function registerPreviewRoutes(root: FastifyInstance, service: WorkflowService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['runs'];
  app.post('/api/v1/runs/:runId/preview', { schema: { tags, summary: 'Evaluate a template against a recorded run (studio preview)', params: RunParams, body: PreviewBody } }, async (request) => {
    const { runId } = request.params;
    const { template, nodeId } = request.body;
    const found = await service.engine.getRun(runId);
    if (!found) throw new WorkflowApiError('RUN_NOT_FOUND', `no run "${runId}"`);
    const { run, steps } = found;
    const nodes: Record<string, { output: unknown }> = {};
    for (const step of steps) if (step.status === 'succeeded') nodes[step.nodeId] = { output: step.output };
    const own = nodeId ? steps.filter((s) => s.nodeId === nodeId).at(-1) : undefined;
    const project = service.catalog.getProject(run.project);
    const scope: Record<string, unknown> = {
      input: own?.input ?? null,
      trigger: run.trigger,
      env: { ...(project?.env ?? {}) },
      run: { id: run.id, startedAt: run.startedAt ?? run.createdAt, depth: run.depth, parentRunId: run.parentRunId ?? null },
      workflow: { id: run.workflow, version: run.version },
      project: { id: run.project, name: project?.name ?? run.project },
      nodes,
      now: Date.now(),
    };
    Object.defineProperty(scope, 'secrets', {
      enumerable: true,
      get: () => {
        throw new Error('secrets are not previewed in the editor');
      },
    });
    try {
      return { value: renderTemplate(template, scope, 'preview') ?? null };
    } catch (error) {
      return { error: (error as Error).message };
    }
  });
}
