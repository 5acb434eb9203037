import type { WorkflowDefinition } from '@runtime-hub/protocol';

export const TEMPLATE_CATEGORIES = ['api', 'monitoring', 'ai', 'sales', 'approvals', 'data', 'integration', 'operations'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** A secret or environment variable a template reads, asked for when it is used. */
export interface TemplateNeed {
  name: string;
  help: string;
  /** A default for env values (`{hub}` is replaced by the hub's own URL). Secrets have none. */
  default?: string;
}

/** A workflow definition as a template holds it: the hub sets project and version. */
export type TemplateWorkflow = Omit<WorkflowDefinition, 'project' | 'version' | 'settings'> & Partial<Pick<WorkflowDefinition, 'settings'>>;

export interface WorkflowTemplate {
  id: string;
  name: string;
  category: TemplateCategory;
  tags: string[];
  description: string;
  needs: {
    secrets: TemplateNeed[];
    env: TemplateNeed[];
    allowShell?: boolean;
    allowCode?: boolean;
  };
  /** The workflow created; its id is the default id in the project. */
  workflow: TemplateWorkflow;
  /** Internal workflows it calls, created with it (seed 001's public workflow calling internal ones). */
  companions?: TemplateWorkflow[];
  /** A trigger body that makes a run do its job (the gallery's "try it", the template test). */
  sampleInput?: unknown;
}
