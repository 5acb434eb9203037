import { API_TEMPLATES } from './library-api.js';
import { FLOW_TEMPLATES } from './library-flows.js';
import { OPS_TEMPLATES } from './library-ops.js';
import { layOut } from './layout.js';
import type { WorkflowTemplate } from './template-types.js';

/** Every built-in template, with node positions for previews. */
export const TEMPLATES: readonly WorkflowTemplate[] = [...API_TEMPLATES, ...OPS_TEMPLATES, ...FLOW_TEMPLATES].map((t) => ({
  ...t,
  workflow: layOut(t.workflow),
  companions: t.companions?.map(layOut),
}));

export function findTemplate(id: string): WorkflowTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
