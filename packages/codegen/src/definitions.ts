import { createRegistry, describeNodeTypes } from '@runtime-hub/engine';
import type { FieldSpec, WorkflowDefinition } from '@runtime-hub/protocol';

/**
 * What a generated app keeps of a workflow: everything that decides how it runs, nothing the
 * editor alone needs (positions, notes). Keys in a fixed order, so the bytes never vary.
 */
export function runnableDefinition(workflow: WorkflowDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { id: workflow.id, name: workflow.name };
  if (workflow.description) out.description = workflow.description;
  out.version = workflow.version ?? 0;
  out.visibility = workflow.visibility;
  if (workflow.endpoint) out.endpoint = workflow.endpoint;
  out.trigger = workflow.trigger;
  out.settings = workflow.settings;
  out.nodes = workflow.nodes.map((node) => {
    const n: Record<string, unknown> = { id: node.id, type: node.type };
    if (node.name) n.name = node.name;
    n.config = node.config;
    if (node.retry) n.retry = node.retry;
    if (node.timeoutMs !== undefined) n.timeoutMs = node.timeoutMs;
    if (node.onError) n.onError = node.onError;
    if (node.disabled) n.disabled = true;
    return n;
  });
  out.edges = workflow.edges.map((edge) => (edge.sourceOutput ? { source: edge.source, sourceOutput: edge.sourceOutput, target: edge.target } : { source: edge.source, target: edge.target }));
  return out;
}

const FIELD_SPECS = new Map(describeNodeTypes(createRegistry()).map((info) => [info.type, info.fields]));

/** What a generated app needs of a config field to resolve and coerce it (no editor texts). */
export type RuntimeField = Pick<FieldSpec, 'name' | 'label' | 'type'> & Partial<Pick<FieldSpec, 'required' | 'default' | 'min' | 'max' | 'showIf' | 'expressions'>> & { options?: { value: unknown }[] };

/** The config fields (defaults, types, showIf) of the node types the workflows use, by type. */
export function nodeFields(workflows: WorkflowDefinition[]): Record<string, RuntimeField[]> {
  const types = [...new Set(workflows.flatMap((w) => w.nodes.map((n) => n.type)))].sort();
  const out: Record<string, RuntimeField[]> = {};
  for (const type of types) {
    const fields = FIELD_SPECS.get(type);
    if (!fields) continue;
    out[type] = fields.map((f) => {
      const field: RuntimeField = { name: f.name, label: f.label, type: f.type };
      if (f.required !== undefined) field.required = f.required;
      if (f.default !== undefined) field.default = f.default;
      if (f.min !== undefined) field.min = f.min;
      if (f.max !== undefined) field.max = f.max;
      if (f.options) field.options = f.options.map((o) => ({ value: o.value }));
      if (f.showIf) field.showIf = f.showIf;
      if (f.expressions !== undefined) field.expressions = f.expressions;
      return field;
    });
  }
  return out;
}

/** Workflows in id order; the export never depends on the order the hub listed them in. */
export function sortedWorkflows(workflows: WorkflowDefinition[]): WorkflowDefinition[] {
  return [...workflows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
