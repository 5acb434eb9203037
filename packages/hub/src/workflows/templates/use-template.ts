import { HubError } from '@runtime-hub/protocol';
import type { ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';
import type { WorkflowService } from '../workflow-service.js';
import type { TemplateWorkflow, WorkflowTemplate } from './template-types.js';
import type { TemplateUses } from './template-uses.js';

export interface UseTemplateRequest {
  /** The id of the main workflow in the project (default: the template's). */
  workflowId?: string;
  secrets?: Record<string, string>;
  env?: Record<string, string>;
  /** Consent to turn on shell / code nodes in the project when the template needs them. */
  allowShell?: boolean;
  allowCode?: boolean;
  /** The hub's URL as the browser sees it; `{hub}` in env defaults becomes this. */
  hubUrl: string;
}

/** `base`, else `base-2`, `base-3`… — the first id not taken. */
function freeId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`.slice(0, 64))) return `${base}-${n}`.slice(0, 64);
}

/** What the template still needs from the caller: secrets neither set nor given, settings not allowed. */
export function missingNeeds(template: WorkflowTemplate, project: ProjectDefinition, secretNames: string[], request: UseTemplateRequest): string[] {
  const missing: string[] = [];
  for (const secret of template.needs.secrets) if (!secretNames.includes(secret.name) && !request.secrets?.[secret.name]) missing.push(`secret ${secret.name}`);
  for (const env of template.needs.env) if (env.default === undefined && !project.env[env.name] && !request.env?.[env.name]) missing.push(`env ${env.name}`);
  if (template.needs.allowShell && !project.settings.allowShell && request.allowShell !== true) missing.push('setting allowShell');
  if (template.needs.allowCode && !project.settings.allowCode && request.allowCode !== true) missing.push('setting allowCode');
  return missing;
}

/**
 * Creates a template's workflows in a project: sets the secrets and env it was given (env defaults
 * for the rest), turns on shell/code when the caller consented, saves the internal companions
 * first (renamed when their id is taken, with the calls to them rewritten), then the main
 * workflow, and records the use for the recommender. Nothing is written until every need is met.
 */
export async function useTemplate(service: WorkflowService, uses: TemplateUses, template: WorkflowTemplate, projectId: string, request: UseTemplateRequest) {
  const { catalog, vault } = service;
  const project = catalog.requireProject(projectId);
  const missing = missingNeeds(template, project, vault.names(projectId).map((s) => s.name), request);
  if (missing.length > 0) throw new HubError('TEMPLATE_NEEDS', `the template needs: ${missing.join(', ')}`, { missing });

  const taken = new Set(catalog.listWorkflows(projectId).map((w) => w.id));
  const renames = new Map<string, string>();
  for (const companion of template.companions ?? []) {
    const id = freeId(companion.id, taken);
    taken.add(id);
    renames.set(companion.id, id);
  }
  const mainId = request.workflowId ?? freeId(template.workflow.id, taken);
  if (taken.has(mainId)) throw new HubError('WORKFLOW_EXISTS', `a workflow "${mainId}" already exists in project "${projectId}"`);
  const retarget = (workflow: TemplateWorkflow, id: string): WorkflowDefinition =>
    structuredClone({
      ...workflow,
      id,
      nodes: workflow.nodes.map((n) => (n.type === 'workflow' && typeof n.config?.workflow === 'string' && renames.has(n.config.workflow) ? { ...n, config: { ...n.config, workflow: renames.get(n.config.workflow) } } : n)),
    }) as WorkflowDefinition;

  for (const [name, value] of Object.entries(request.secrets ?? {})) if (value) await vault.put(projectId, name, value);
  const env = { ...project.env };
  for (const need of template.needs.env) {
    const given = request.env?.[need.name];
    if (given) env[need.name] = given;
    else if (env[need.name] === undefined && need.default !== undefined) env[need.name] = need.default.replaceAll('{hub}', request.hubUrl);
  }
  const settings = { ...project.settings };
  if (template.needs.allowShell && request.allowShell === true) settings.allowShell = true;
  if (template.needs.allowCode && request.allowCode === true) settings.allowCode = true;
  catalog.putProject({ ...project, env, settings });

  const companions = [];
  for (const companion of template.companions ?? []) {
    const saved = await catalog.saveWorkflow(projectId, retarget(companion, renames.get(companion.id)!), { create: true });
    companions.push(saved.workflow.id);
    await uses.recordUse(projectId, saved.workflow.id, template.id, Date.now());
  }
  const saved = await catalog.saveWorkflow(projectId, retarget(template.workflow, mainId), { create: true });
  await uses.recordUse(projectId, saved.workflow.id, template.id, Date.now());
  await service.syncSchedules();
  return { workflow: saved.workflow, warnings: saved.warnings, companions };
}
