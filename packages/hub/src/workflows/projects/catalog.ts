import { ProjectDefinition, canonicalJson } from '@runtime-hub/protocol';
import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { validateWorkflow } from '@runtime-hub/engine';
import type { NodeRegistry, ValidationIssue, WorkflowSource } from '@runtime-hub/engine';
import type { WorkflowRuns } from '../store/workflow-runs.js';
import type { ProjectFiles } from './project-files.js';
import { WorkflowApiError } from '../http-errors.js';

export interface InvalidWorkflow {
  id: string;
  file: string;
  errors: ValidationIssue[];
}

/**
 * Projects and workflows in memory, backed by the project folders (definitions) and the run
 * store (every saved version, so runs resume and re-run on the version they started with).
 * Saving validates the whole graph against the node registry and the rest of the project.
 */
export class ProjectCatalog implements WorkflowSource {
  private readonly projects = new Map<string, ProjectDefinition>();
  private readonly workflows = new Map<string, Map<string, WorkflowDefinition>>();
  private readonly invalid = new Map<string, InvalidWorkflow[]>();
  private readonly publicCache = new Map<string, WorkflowDefinition[]>();
  /** Told after a project or one of its workflows changed (scaled mode publishes it for workers). */
  onChange: ((project: string) => void) | undefined;

  constructor(
    private readonly files: ProjectFiles,
    private readonly store: Pick<WorkflowRuns, 'getWorkflowVersion' | 'putWorkflowVersion' | 'latestVersion'>,
    private readonly registry: NodeRegistry,
    private readonly now: () => number = Date.now,
    private readonly warn: (message: string, fields: Record<string, unknown>) => void = () => undefined,
  ) {}

  /** Reads every project folder. Workflows edited on disk while the hub was down get a new version. */
  async load(): Promise<void> {
    for (const folder of this.files.readAll()) {
      const parsed = ProjectDefinition.safeParse(folder.manifest);
      if (folder.problem || !parsed.success || parsed.data.id !== folder.project) {
        this.warn('workflows: skipping a project folder with an unreadable project.json', { project: folder.project, problem: folder.problem ?? 'invalid or mismatched id' });
        continue;
      }
      this.projects.set(parsed.data.id, parsed.data);
      const map = new Map<string, WorkflowDefinition>();
      this.workflows.set(parsed.data.id, map);
      const broken: InvalidWorkflow[] = [];
      for (const file of folder.workflows) {
        const id = file.file.slice(0, -5);
        let problem = file.problem;
        let result: ReturnType<typeof validateWorkflow> | undefined;
        try {
          result = problem === undefined ? validateWorkflow(file.raw, this.registry, { workflows: [...map.values()] }) : undefined;
        } catch (error) {
          // Whatever a file on disk holds, the hub starts: the file is listed as invalid.
          problem = `the definition could not be validated: ${(error as Error).message}`;
        }
        if (!result?.definition || result.definition.id !== id) {
          const errors = result?.errors.length ? result.errors : [{ code: 'invalid_definition' as const, message: problem ?? `the file name says "${id}" but the definition's id is different`, path: 'id' }];
          broken.push({ id, file: file.file, errors });
          this.warn('workflows: a workflow file is invalid and will not run', { project: folder.project, file: file.file, errors: errors.length });
          continue;
        }
        map.set(id, await this.settleVersion(parsed.data.id, result.definition));
      }
      this.invalid.set(parsed.data.id, broken);
    }
  }

  /** Keeps the file's version when the store holds the same definition for it; else records a new one. */
  private async settleVersion(project: string, definition: WorkflowDefinition): Promise<WorkflowDefinition> {
    const declared = definition.version ?? 0;
    const stored = declared > 0 ? await this.store.getWorkflowVersion(project, definition.id, declared) : undefined;
    const clean = { ...definition, project, version: declared };
    if (stored && canonicalJson(stored.definition, 'workflow') === canonicalJson(clean, 'workflow')) return stored.definition;
    const version = Math.max(declared, await this.store.latestVersion(project, definition.id)) + (stored || declared === 0 ? 1 : 0);
    const next = { ...definition, project, version };
    await this.store.putWorkflowVersion({ project, workflow: definition.id, version, definition: next, savedAt: this.now() });
    if (version !== declared) this.files.writeWorkflow(project, next);
    return next;
  }

  listProjects(): ProjectDefinition[] {
    return [...this.projects.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  getProject(project: string): ProjectDefinition | undefined {
    return this.projects.get(project);
  }

  requireProject(project: string): ProjectDefinition {
    const found = this.projects.get(project);
    if (!found) throw new WorkflowApiError('PROJECT_NOT_FOUND', `no project "${project}"`);
    return found;
  }

  putProject(project: ProjectDefinition): void {
    this.publicCache.delete(project.id);
    this.files.writeProject(project);
    this.projects.set(project.id, project);
    if (!this.workflows.has(project.id)) this.workflows.set(project.id, new Map());
    this.onChange?.(project.id);
  }

  deleteProject(project: string): void {
    this.publicCache.delete(project);
    this.files.deleteProject(project);
    this.projects.delete(project);
    this.workflows.delete(project);
    this.invalid.delete(project);
    this.onChange?.(project);
  }

  /** The public workflows of a project (cached until the project's workflows change). */
  publicWorkflows(project: string): WorkflowDefinition[] {
    let list = this.publicCache.get(project);
    if (!list) {
      list = this.listWorkflows(project).filter((w) => w.visibility === 'public' && w.endpoint);
      this.publicCache.set(project, list);
    }
    return list;
  }

  listWorkflows(project: string): WorkflowDefinition[] {
    return [...(this.workflows.get(project)?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  }

  listInvalid(project: string): InvalidWorkflow[] {
    return this.invalid.get(project) ?? [];
  }

  allWorkflows(): WorkflowDefinition[] {
    return [...this.workflows.values()].flatMap((m) => [...m.values()]);
  }

  getWorkflow(project: string, workflow: string): WorkflowDefinition | undefined {
    return this.workflows.get(project)?.get(workflow);
  }

  requireWorkflow(project: string, workflow: string): WorkflowDefinition {
    this.requireProject(project);
    const found = this.getWorkflow(project, workflow);
    if (!found) throw new WorkflowApiError('WORKFLOW_NOT_FOUND', `no workflow "${workflow}" in project "${project}"`);
    return found;
  }

  async getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowDefinition | undefined> {
    return (await this.store.getWorkflowVersion(project, workflow, version))?.definition;
  }

  /**
   * Validates and saves a workflow as its next version. `expectedVersion` (the version the
   * client last saw) turns a concurrent edit into a 409 instead of a silent overwrite.
   */
  async saveWorkflow(project: string, input: unknown, options: { create: boolean; id?: string }): Promise<{ workflow: WorkflowDefinition; warnings: ValidationIssue[]; created: boolean }> {
    this.requireProject(project);
    const body = (input !== null && typeof input === 'object' ? { ...(input as Record<string, unknown>) } : input) as Record<string, unknown>;
    if (body && typeof body === 'object') {
      if (options.id !== undefined) {
        if (body.id !== undefined && body.id !== options.id) {
          throw new WorkflowApiError('WORKFLOW_INVALID', `the body's id "${String(body.id)}" does not match the URL's "${options.id}"`, { issues: [{ code: 'invalid_definition', path: 'id', message: 'id does not match the URL' }] });
        }
        body.id = options.id;
      }
      if (body.project !== undefined && body.project !== project) {
        throw new WorkflowApiError('WORKFLOW_INVALID', `the body names project "${String(body.project)}" but the URL says "${project}"`, { issues: [{ code: 'invalid_definition', path: 'project', message: 'project does not match the URL' }] });
      }
    }
    const others = this.listWorkflows(project).filter((w) => w.id !== body?.id);
    const result = validateWorkflow(body, this.registry, { workflows: others });
    if (!result.definition) {
      const tooLarge = result.errors.some((e) => e.code === 'too_large' && e.path === '');
      throw new WorkflowApiError(tooLarge ? 'DEFINITION_TOO_LARGE' : 'WORKFLOW_INVALID', summarize(result.errors), { issues: result.errors });
    }
    const current = this.getWorkflow(project, result.definition.id);
    if (options.create && current) throw new WorkflowApiError('WORKFLOW_EXISTS', `workflow "${result.definition.id}" already exists in project "${project}"; PUT to change it`);
    const sent = (body as { version?: unknown }).version;
    if (current && typeof sent === 'number' && sent !== current.version) {
      throw new WorkflowApiError('VERSION_CONFLICT', `the workflow is at version ${current.version}, not ${sent}; reload it and apply your change again`, { currentVersion: current.version });
    }
    const version = Math.max(current?.version ?? 0, await this.store.latestVersion(project, result.definition.id)) + 1;
    const workflow: WorkflowDefinition = { ...result.definition, project, version };
    await this.store.putWorkflowVersion({ project, workflow: workflow.id, version, definition: workflow, savedAt: this.now() });
    this.files.writeWorkflow(project, workflow);
    let map = this.workflows.get(project);
    if (!map) this.workflows.set(project, (map = new Map()));
    map.set(workflow.id, workflow);
    this.publicCache.delete(project);
    this.invalid.set(project, this.listInvalid(project).filter((w) => w.id !== workflow.id));
    this.onChange?.(project);
    return { workflow, warnings: result.warnings, created: !current };
  }

  deleteWorkflow(project: string, workflow: string): void {
    this.requireWorkflow(project, workflow);
    this.files.deleteWorkflow(project, workflow);
    this.workflows.get(project)?.delete(workflow);
    this.publicCache.delete(project);
    this.onChange?.(project);
  }
}

function summarize(errors: ValidationIssue[]): string {
  const first = errors[0]?.message ?? 'invalid workflow';
  return errors.length === 1 ? first : `${first} (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})`;
}
