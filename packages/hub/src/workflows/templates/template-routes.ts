import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HubError, VarName } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { WorkflowService } from '../workflow-service.js';
import { TEMPLATES, findTemplate } from './index.js';
import { nodeTypesOf, recommend, words } from './recommender.js';
import { TEMPLATE_CATEGORIES, type WorkflowTemplate } from './template-types.js';
import type { TemplateUses } from './template-uses.js';
import { useTemplate } from './use-template.js';

const SLUG = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const ListQuery = z.object({ q: z.string().max(500).optional(), category: z.enum(TEMPLATE_CATEGORIES).optional() });
const RecommendQuery = z.object({ q: z.string().max(500).optional(), project: SLUG.optional(), limit: z.coerce.number().int().min(1).max(50).default(5) });
const UseBody = z.object({
  workflowId: SLUG.optional(),
  secrets: z.record(VarName, z.string().max(64 * 1024)).optional(),
  env: z.record(VarName, z.string().max(64 * 1024)).optional(),
  allowShell: z.boolean().optional(),
  allowCode: z.boolean().optional(),
});

/** A template as the gallery lists it: everything but the node configs' details is small. */
function summary(template: WorkflowTemplate) {
  return { ...template, nodeTypes: nodeTypesOf(template) };
}

function requireTemplate(id: string): WorkflowTemplate {
  const template = findTemplate(id);
  if (!template) throw new HubError('TEMPLATE_NOT_FOUND', `no template "${id}"`);
  return template;
}

/** The hub's URL as this request reached it (the browser's view), for env defaults like HEALTH_URL. */
function hubUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The template library: `GET /api/v1/templates` (search, category), `…/templates/recommend`
 * (ranked for typed text and a project, with reasons), `…/templates/:id`, and
 * `POST /api/v1/projects/:project/templates/:id` to create the workflow(s) in a project.
 */
export function registerTemplateRoutes(root: FastifyInstance, service: WorkflowService, uses: TemplateUses): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows'];

  app.get('/api/v1/templates', { schema: { tags, summary: 'Workflow templates (search words, category)', querystring: ListQuery } }, (request) => {
    const query = words(request.query.q ?? '');
    const list = TEMPLATES.filter((t) => !request.query.category || t.category === request.query.category).filter((t) => {
      if (query.length === 0) return true;
      const text = new Set(words(`${t.name} ${t.description} ${t.tags.join(' ')} ${t.category} ${nodeTypesOf(t).join(' ')}`));
      return query.every((w) => text.has(w));
    });
    return { templates: list.map(summary), categories: TEMPLATE_CATEGORIES };
  });

  app.get('/api/v1/templates/recommend', { schema: { tags, summary: 'Templates ranked for typed text and a project, with the reasons', querystring: RecommendQuery } }, async (request) => {
    const { q, project: projectId, limit } = request.query;
    const project = projectId ? service.catalog.requireProject(projectId) : undefined;
    const nodeTypes = projectId ? [...new Set(service.catalog.listWorkflows(projectId).flatMap((w) => w.nodes.map((n) => n.type)))] : undefined;
    const ranked = recommend(
      TEMPLATES,
      {
        text: q,
        nodeTypes,
        secrets: projectId ? service.vault.names(projectId).map((s) => s.name) : undefined,
        env: project ? Object.keys(project.env) : undefined,
        settings: project?.settings,
        stats: await uses.stats(Date.now()),
      },
      limit,
    );
    return { recommendations: ranked.map((r) => ({ id: r.template.id, name: r.template.name, category: r.template.category, score: r.score, reasons: r.reasons })) };
  });

  app.get('/api/v1/templates/:id', { schema: { tags, summary: 'One template', params: z.object({ id: SLUG }) } }, (request) => ({ template: summary(requireTemplate(request.params.id)) }));

  app.post(
    '/api/v1/projects/:project/templates/:id',
    { schema: { tags, summary: 'Create a workflow from a template (body: the secrets, env and settings it needs)', params: z.object({ project: SLUG, id: SLUG }), body: UseBody } },
    async (request, reply) => {
      const template = requireTemplate(request.params.id);
      const created = await useTemplate(service, uses, template, request.params.project, { ...request.body, hubUrl: hubUrl(request) });
      return reply.status(201).send(created);
    },
  );
}
