import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { describeNodeTypes, validateWorkflow } from '@runtime-hub/engine';
import type { LlmClient, LlmMessage } from '@runtime-hub/engine';
import { HubError } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { WorkflowService } from '../workflow-service.js';
import type { AssistProvider } from './assist-provider.js';
import { draftWithRepairs } from './draft-loop.js';
import { buildingPrompt, completeRequest, draftRequest, explainPrompt, explainRequest } from './prompts.js';

const SLUG = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const httpUrl = z.string().url().max(2048).refine((u) => /^https?:\/\//.test(u), { message: 'must be an http(s) URL' });
const SettingsBody = z.object({
  provider: z.enum(['openai', 'anthropic']),
  model: z.string().min(1).max(200),
  baseUrl: httpUrl.optional(),
  keyName: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
});
const Params = z.object({ project: SLUG });
const DraftBody = z.object({ description: z.string().min(3).max(8000), maxRepairs: z.number().int().min(0).max(5).default(2) });
const CompleteBody = z.object({ workflow: z.record(z.string(), z.unknown()), instructions: z.string().max(8000).optional(), maxRepairs: z.number().int().min(0).max(5).default(2) });
const ExplainBody = z.object({ workflow: z.record(z.string(), z.unknown()) });

/**
 * AI-assisted building: drafts from a description, completing a partial workflow, explaining one.
 * Drafts go through the validator a save uses; invalid ones are sent back with the issues a
 * bounded number of rounds (draft-loop.ts). The provider key comes from the playground's key
 * store on the hub and is never sent to the browser; provider errors have it masked.
 */
export function registerAssistRoutes(root: FastifyInstance, service: WorkflowService, settings: AssistProvider, llm: LlmClient): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows'];

  const call = async (system: string, messages: LlmMessage[], json: boolean, signal: AbortSignal): Promise<string> => {
    const provider = await settings.resolve();
    try {
      const answer = await llm.complete({ ...provider, messages: [{ role: 'system', content: system }, ...messages], json, temperature: 0.2, maxTokens: 4000, timeoutMs: 120_000, signal });
      return answer.text;
    } catch (error) {
      const message = ((error as Error).message ?? String(error)).split(provider.apiKey).join('[key]');
      throw new HubError('ASSIST_FAILED', `the ${provider.provider} provider failed: ${message}`);
    }
  };

  const context = (project: string) => ({
    secrets: service.vault.names(project).map((s) => s.name),
    env: Object.keys(service.catalog.requireProject(project).env),
    workflows: service.catalog.listWorkflows(project).map((w) => w.id),
  });
  const validator = (project: string, exceptId?: string) => (draft: unknown) => {
    const others = service.catalog.listWorkflows(project).filter((w) => w.id !== exceptId);
    const result = validateWorkflow(draft, service.registry, { workflows: others });
    return { errors: result.errors, warnings: result.warnings };
  };
  // The caller went away before the answer: the provider call stops too.
  const aborter = (reply: FastifyReply) => {
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) controller.abort();
    });
    return controller.signal;
  };

  app.get('/api/v1/assist/settings', { schema: { tags, summary: 'The LLM provider of AI-assisted building (key names only), and how to set one' } }, () => settings.view());
  app.put('/api/v1/assist/settings', { schema: { tags, summary: 'Set the LLM provider of AI-assisted building', body: SettingsBody } }, async (request) => {
    await settings.put(request.body);
    return settings.view();
  });

  app.post('/api/v1/projects/:project/assist/draft', { schema: { tags, summary: 'Draft a workflow from a description (validated, repaired)', params: Params, body: DraftBody } }, async (request, reply) => {
    const { project } = request.params;
    const system = buildingPrompt(describeNodeTypes(service.registry), context(project));
    const signal = aborter(reply);
    return draftWithRepairs([{ role: 'user', content: draftRequest(request.body.description) }], (m) => call(system, m, true, signal), validator(project), request.body.maxRepairs);
  });

  app.post('/api/v1/projects/:project/assist/complete', { schema: { tags, summary: 'Complete a partial workflow (validated, repaired)', params: Params, body: CompleteBody } }, async (request, reply) => {
    const { project } = request.params;
    const system = buildingPrompt(describeNodeTypes(service.registry), context(project));
    const signal = aborter(reply);
    const id = typeof request.body.workflow.id === 'string' ? request.body.workflow.id : undefined;
    return draftWithRepairs([{ role: 'user', content: completeRequest(request.body.workflow, request.body.instructions) }], (m) => call(system, m, true, signal), validator(project, id), request.body.maxRepairs);
  });

  app.post('/api/v1/projects/:project/assist/explain', { schema: { tags, summary: 'Explain a workflow in plain words', params: Params, body: ExplainBody } }, async (request, reply) => {
    service.catalog.requireProject(request.params.project);
    const text = await call(explainPrompt(), [{ role: 'user', content: explainRequest(request.body.workflow) }], false, aborter(reply));
    return { text };
  });
}
