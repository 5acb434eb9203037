import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { edgeKey, pinOf } from './changes';

export interface NodeDiff {
  id: string;
  /** Top-level node keys, config fields (`config.url`) and `pinned` (its pinned output) that differ. */
  fields: string[];
}

export interface WorkflowDiff {
  added: string[];
  removed: string[];
  changed: NodeDiff[];
  edgesAdded: string[];
  edgesRemoved: string[];
  /** Workflow-level keys that differ: name, trigger, endpoint, settings, sticky notes… */
  workflow: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What differs from `before` to `after`, per node and field; positions are not a change of meaning but are listed. */
export function diffWorkflows(before: WorkflowDefinition, after: WorkflowDefinition): WorkflowDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const changed: NodeDiff[] = [];
  for (const [id, node] of now) {
    const prev = old.get(id);
    if (!prev) continue;
    const fields: string[] = [];
    const keys = new Set([...Object.keys(prev), ...Object.keys(node)].filter((k) => k !== 'config' && k !== 'id'));
    for (const key of keys) if (!same((prev as Record<string, unknown>)[key], (node as Record<string, unknown>)[key])) fields.push(key);
    for (const key of new Set([...Object.keys(prev.config), ...Object.keys(node.config)])) if (!same(prev.config[key], node.config[key])) fields.push(`config.${key}`);
    if (!same(pinOf(before, id), pinOf(after, id))) fields.push('pinned');
    if (fields.length > 0) changed.push({ id, fields });
  }
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const workflow = ['name', 'description', 'visibility', 'endpoint', 'trigger', 'settings', 'stickyNotes'].filter((k) => !same((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
    edgesAdded: [...newEdges].filter((e) => !oldEdges.has(e)),
    edgesRemoved: [...oldEdges].filter((e) => !newEdges.has(e)),
    workflow,
  };
}

export function isEmptyDiff(diff: WorkflowDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length + diff.edgesAdded.length + diff.edgesRemoved.length + diff.workflow.length === 0;
}
