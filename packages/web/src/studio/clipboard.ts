import type { EdgeDefinition, NodeDefinition, StickyNote, WorkflowDefinition } from '@runtime-hub/protocol';
import type { Workflow, WorkflowChange } from './changes';
import { freshId } from './graph';

/** What copy puts on the clipboard: workflow JSON holding the selected nodes, the edges among them and their pins. */
export function copySelection(workflow: Workflow, ids: Iterable<string>): string {
  const selected = new Set(ids);
  const nodes = workflow.nodes.filter((n) => selected.has(n.id));
  const edges = workflow.edges.filter((e) => selected.has(e.source) && selected.has(e.target));
  const pins = Object.entries(workflow.pinned ?? {}).filter(([id]) => selected.has(id));
  return JSON.stringify(pins.length > 0 ? { nodes, edges, pinned: Object.fromEntries(pins) } : { nodes, edges }, null, 2);
}

export interface Pasted {
  change: WorkflowChange;
  ids: string[];
  /** True when the pasted nodes came without positions and need a layout. */
  needsLayout: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads clipboard text as workflow JSON — a whole workflow, `{ nodes, edges }`, or a list of
 * nodes — and turns it into one change that adds the nodes (ids renamed where they clash; a second
 * trigger is left out, its edges leave from the existing trigger) and the edges among them. Nodes are offset so a paste next to the
 * originals does not cover them. Undefined when the text is not such JSON.
 */
export function pasteChange(workflow: Workflow, text: string, offset = { x: 40, y: 40 }): Pasted | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const source = Array.isArray(parsed) ? { nodes: parsed, edges: [] } : parsed;
  if (!isRecord(source) || !Array.isArray(source.nodes)) return undefined;
  const rawNodes = source.nodes.filter((n): n is NodeDefinition => isRecord(n) && typeof n.id === 'string' && typeof n.type === 'string');
  if (rawNodes.length === 0) return undefined;
  const trigger = workflow.nodes.find((n) => n.type === 'trigger');
  const taken = new Set(workflow.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  const nodes: NodeDefinition[] = [];
  for (const raw of rawNodes) {
    if (raw.type === 'trigger' && trigger) {
      // A workflow has one trigger: what the pasted one led to hangs off the existing one.
      rename.set(raw.id, trigger.id);
      continue;
    }
    const id = freshId(raw.id, taken);
    taken.add(id);
    rename.set(raw.id, id);
    const node: NodeDefinition = { ...raw, id, config: isRecord(raw.config) ? raw.config : {} };
    if (raw.position) node.position = { x: raw.position.x + offset.x, y: raw.position.y + offset.y };
    nodes.push(node);
  }
  const rawEdges = Array.isArray(source.edges) ? source.edges : [];
  const edges: EdgeDefinition[] = [];
  for (const raw of rawEdges) {
    if (!isRecord(raw) || typeof raw.source !== 'string' || typeof raw.target !== 'string') continue;
    const from = rename.get(raw.source);
    const to = rename.get(raw.target);
    if (!from || !to) continue;
    edges.push(typeof raw.sourceOutput === 'string' ? { source: from, sourceOutput: raw.sourceOutput, target: to } : { source: from, target: to });
  }
  const changes: WorkflowChange[] = [...nodes.map((node) => ({ type: 'addNode' as const, node })), ...edges.map((edge) => ({ type: 'addEdge' as const, edge }))];
  // Pins of pasted nodes (not of a trigger folded into the existing one) and sticky notes come along.
  const pasted = new Set(nodes.map((n) => n.id));
  if (isRecord(source.pinned)) {
    for (const [from, output] of Object.entries(source.pinned)) {
      const id = rename.get(from);
      if (id !== undefined && pasted.has(id) && output !== undefined) changes.push({ type: 'setPin', id, output });
    }
  }
  const notesTaken = new Set((workflow.stickyNotes ?? []).map((n) => n.id));
  for (const raw of Array.isArray(source.stickyNotes) ? source.stickyNotes : []) {
    if (!isRecord(raw) || typeof raw.id !== 'string' || !isRecord(raw.position)) continue;
    const note = raw as unknown as StickyNote;
    const id = freshId(note.id, notesTaken);
    notesTaken.add(id);
    changes.push({ type: 'addSticky', note: { ...note, id, position: { x: note.position.x + offset.x, y: note.position.y + offset.y } } });
  }
  return { change: { type: 'batch', changes }, ids: nodes.map((n) => n.id), needsLayout: nodes.some((n) => !n.position) };
}

/** A copy of a whole workflow under a new id and name (the "Duplicate" action). */
export function duplicateWorkflow(workflow: WorkflowDefinition, id: string, name: string): WorkflowDefinition {
  const copy: WorkflowDefinition = { ...workflow, id, name };
  delete copy.version;
  delete copy.project;
  // A public copy would clash with the original's endpoint; it starts internal.
  if (copy.visibility === 'public') {
    copy.visibility = 'internal';
    delete copy.endpoint;
    if (copy.trigger.type === 'webhook') copy.trigger = { type: 'manual' };
  }
  return copy;
}
