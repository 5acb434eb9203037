import type { EdgeDefinition, NodeDefinition, NodeTypeInfo } from '@runtime-hub/protocol';
import type { Workflow, WorkflowChange } from './changes';

/**
 * The outputs a node's edges can leave from: the type's static outputs, a switch's cases plus
 * `default`, and `error` when the node routes failures to an output.
 */
export function outputsOf(node: NodeDefinition, type: NodeTypeInfo | undefined): string[] {
  let outputs = type?.outputs ?? ['main'];
  if (type?.type === 'condition' && node.config.mode === 'switch') {
    const cases = Array.isArray(node.config.cases) ? node.config.cases.map(String) : [];
    outputs = [...cases, 'default'];
  }
  return node.onError === 'output' ? [...outputs, 'error'] : outputs;
}

/** An unused node id derived from the type (`http`, `http_2`, …). */
export function freshId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem = base.toLowerCase().replace(/[^a-z0-9_-]/g, '_').replace(/^[^a-z0-9]+/, '') || 'node';
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** A new node of a type, with the fields' defaults filled in. */
export function newNode(type: NodeTypeInfo, workflow: Workflow, position: { x: number; y: number }): NodeDefinition {
  const config: Record<string, unknown> = {};
  for (const field of type.fields) if (field.default !== undefined) config[field.name] = field.default;
  return { id: freshId(type.type, workflow.nodes.map((n) => n.id)), type: type.type, name: type.name, config, position };
}

/**
 * Adding a node "after" the selected one: placed to its right, connected from its first free
 * output (or its first output).
 */
export function addAfter(workflow: Workflow, node: NodeDefinition, after: NodeDefinition | undefined, afterType: NodeTypeInfo | undefined): WorkflowChange {
  if (!after || node.type === 'trigger') return { type: 'addNode', node };
  const outputs = outputsOf(after, afterType);
  const used = new Set(workflow.edges.filter((e) => e.source === after.id).map((e) => e.sourceOutput ?? 'main'));
  const output = outputs.find((o) => !used.has(o)) ?? outputs[0] ?? 'main';
  const position = after.position ? { x: after.position.x + 260, y: after.position.y } : node.position;
  const placed = position ? { ...node, position } : node;
  const edge: EdgeDefinition = output === 'main' ? { source: after.id, target: node.id } : { source: after.id, sourceOutput: output, target: node.id };
  return { type: 'batch', changes: [{ type: 'addNode', node: placed }, { type: 'addEdge', edge }] };
}

/** An edge as the definition stores it: `main` is implied. */
export function edgeOf(source: string, handle: string | null | undefined, target: string): EdgeDefinition {
  return !handle || handle === 'main' ? { source, target } : { source, sourceOutput: handle, target };
}

/** How many attempts a node gets: 1 + its retries (the node's policy, else the workflow's, else none). */
export function maxAttempts(node: NodeDefinition, workflow: Workflow): number {
  return 1 + (node.retry?.maxRetries ?? workflow.settings.retry?.maxRetries ?? 0);
}
