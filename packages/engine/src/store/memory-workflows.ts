import { ProjectDefinition } from '@runtime-hub/protocol';
import type { ProjectDefinitionInput, WorkflowDefinition } from '@runtime-hub/protocol';
import { validateWorkflow } from '../graph/validate.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { createRegistry } from '../nodes/registry.js';
import type { RunStore, WorkflowSource } from '../ports.js';

/**
 * Projects and workflows held in memory, validated like the hub validates them, with every saved
 * version kept in the run store. For tests, benchmarks and embedding the engine.
 */
export class MemoryWorkflowSource implements WorkflowSource {
  private readonly projects = new Map<string, ProjectDefinition>();
  private readonly workflows = new Map<string, WorkflowDefinition>();

  constructor(
    private readonly store: RunStore,
    private readonly registry: NodeRegistry = createRegistry(),
    private readonly now: () => number = Date.now,
  ) {}

  putProject(input: ProjectDefinitionInput): ProjectDefinition {
    const project = ProjectDefinition.parse(input);
    this.projects.set(project.id, project);
    return project;
  }

  /** Validates and saves a workflow as the next version; throws with the issues when invalid. */
  async putWorkflow(project: string, input: unknown): Promise<WorkflowDefinition> {
    const others = [...this.workflows.values()].filter((w) => w.project === project);
    const result = validateWorkflow(input, this.registry, { workflows: others });
    if (!result.definition) throw new Error(`invalid workflow: ${result.errors.map((e) => e.message).join('; ')}`);
    const previous = this.workflows.get(`${project}/${result.definition.id}`);
    const definition: WorkflowDefinition = { ...result.definition, project, version: (previous?.version ?? 0) + 1 };
    this.workflows.set(`${project}/${definition.id}`, definition);
    await this.store.putWorkflowVersion({ project, workflow: definition.id, version: definition.version ?? 1, definition, savedAt: this.now() });
    return definition;
  }

  getProject(project: string): ProjectDefinition | undefined {
    return this.projects.get(project);
  }

  getWorkflow(project: string, workflow: string): WorkflowDefinition | undefined {
    return this.workflows.get(`${project}/${workflow}`);
  }

  async getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowDefinition | undefined> {
    return (await this.store.getWorkflowVersion(project, workflow, version))?.definition;
  }
}
