import type { EdgeDefinition, NodeDefinition, StickyNote, WorkflowDefinition } from '@runtime-hub/protocol';

/**
 * Every edit the studio makes to a workflow is one of these typed change objects, applied by the
 * pure `applyChange`. Undo stores each change with its inverse (`invertChange`, computed against
 * the definition before the change), so undo, redo, persistence and tests need no browser and no
 * React. A value of `undefined` in a patch removes that key.
 */
export type WorkflowChange =
  | { type: 'addNode'; node: NodeDefinition; index?: number }
  | { type: 'removeNodes'; ids: string[] }
  | { type: 'updateNode'; id: string; patch: Partial<Omit<NodeDefinition, 'id'>> }
  | { type: 'setConfig'; id: string; field: string; value: unknown }
  | { type: 'moveNodes'; positions: Record<string, { x: number; y: number } | undefined> }
  | { type: 'addEdge'; edge: EdgeDefinition; index?: number }
  | { type: 'removeEdges'; edges: EdgeDefinition[] }
  | { type: 'updateWorkflow'; patch: Partial<Pick<WorkflowDefinition, 'name' | 'description' | 'visibility' | 'endpoint' | 'trigger' | 'settings'>> }
  /** Pins a node's output (manual runs use it instead of executing the node); `undefined` unpins. */
  | { type: 'setPin'; id: string; output: unknown }
  | { type: 'addSticky'; note: StickyNote; index?: number }
  | { type: 'removeStickies'; ids: string[] }
  | { type: 'updateSticky'; id: string; patch: Partial<Omit<StickyNote, 'id'>> }
  | { type: 'batch'; changes: WorkflowChange[] };

export type Workflow = WorkflowDefinition;

export function edgeKey(edge: EdgeDefinition): string {
  return `${edge.source}:${edge.sourceOutput ?? 'main'}->${edge.target}`;
}

function sameEdge(a: EdgeDefinition, b: EdgeDefinition): boolean {
  return edgeKey(a) === edgeKey(b);
}

function patched<T extends object>(target: T, patch: Record<string, unknown>): T {
  const out = { ...target } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

function insertAt<T>(list: readonly T[], item: T, index: number | undefined): T[] {
  const copy = list.slice();
  copy.splice(index === undefined ? copy.length : Math.max(0, Math.min(index, copy.length)), 0, item);
  return copy;
}

/** Applies one change; returns a new definition (the old one is never mutated). Unknown ids are ignored. */
export function applyChange(workflow: Workflow, change: WorkflowChange): Workflow {
  switch (change.type) {
    case 'addNode':
      if (workflow.nodes.some((n) => n.id === change.node.id)) return workflow;
      return { ...workflow, nodes: insertAt(workflow.nodes, change.node, change.index) };
    case 'removeNodes': {
      const ids = new Set(change.ids);
      // A removed node's pin goes with it (the hub refuses pins of nodes that do not exist).
      const pins = Object.keys(workflow.pinned ?? {}).filter((id) => ids.has(id));
      const removed: Workflow = {
        ...workflow,
        nodes: workflow.nodes.filter((n) => !ids.has(n.id)),
        edges: workflow.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
      };
      return pins.reduce((wf, id) => withPin(wf, id, undefined), removed);
    }
    case 'updateNode':
      return { ...workflow, nodes: workflow.nodes.map((n) => (n.id === change.id ? patched(n, change.patch) : n)) };
    case 'setConfig':
      return {
        ...workflow,
        nodes: workflow.nodes.map((n) => (n.id === change.id ? { ...n, config: patched(n.config, { [change.field]: change.value }) } : n)),
      };
    case 'moveNodes':
      return {
        ...workflow,
        nodes: workflow.nodes.map((n) => (Object.hasOwn(change.positions, n.id) ? patched(n, { position: change.positions[n.id] }) : n)),
      };
    case 'addEdge':
      if (workflow.edges.some((e) => sameEdge(e, change.edge))) return workflow;
      return { ...workflow, edges: insertAt(workflow.edges, change.edge, change.index) };
    case 'removeEdges':
      return { ...workflow, edges: workflow.edges.filter((e) => !change.edges.some((r) => sameEdge(e, r))) };
    case 'updateWorkflow':
      return patched(workflow, change.patch);
    case 'setPin':
      return withPin(workflow, change.id, change.output);
    case 'addSticky': {
      const notes = workflow.stickyNotes ?? [];
      if (notes.some((n) => n.id === change.note.id)) return workflow;
      return { ...workflow, stickyNotes: insertAt(notes, change.note, change.index) };
    }
    case 'removeStickies': {
      const ids = new Set(change.ids);
      return withStickies(workflow, (workflow.stickyNotes ?? []).filter((n) => !ids.has(n.id)));
    }
    case 'updateSticky':
      return withStickies(
        workflow,
        (workflow.stickyNotes ?? []).map((n) => (n.id === change.id ? patched(n, change.patch) : n)),
      );
    case 'batch':
      return change.changes.reduce(applyChange, workflow);
  }
}

/**
 * Optional lists and maps become `undefined` when empty: absent from the JSON (the definition is
 * as it was), while the key keeps its place, so undo gives back the same JSON, key order included.
 */
function withPin(workflow: Workflow, id: string, output: unknown): Workflow {
  const pins = { ...(workflow.pinned ?? {}) };
  if (output === undefined) delete pins[id];
  else pins[id] = output;
  return { ...workflow, pinned: Object.keys(pins).length > 0 ? pins : undefined } as Workflow;
}

function withStickies(workflow: Workflow, notes: StickyNote[]): Workflow {
  return { ...workflow, stickyNotes: notes.length > 0 ? notes : undefined } as Workflow;
}

/** The pinned output of a node, or undefined. */
export function pinOf(workflow: Workflow, id: string): unknown {
  return workflow.pinned && Object.hasOwn(workflow.pinned, id) ? workflow.pinned[id] : undefined;
}

function previous<T extends object>(target: T, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = (target as Record<string, unknown>)[key];
  return out;
}

/** The change that undoes `change` when applied to the result of applying it to `workflow`. */
export function invertChange(workflow: Workflow, change: WorkflowChange): WorkflowChange {
  switch (change.type) {
    case 'addNode':
      return workflow.nodes.some((n) => n.id === change.node.id) ? { type: 'batch', changes: [] } : { type: 'removeNodes', ids: [change.node.id] };
    case 'removeNodes': {
      const ids = new Set(change.ids);
      const changes: WorkflowChange[] = [];
      // Re-inserting at the original indices in ascending order restores the exact order.
      workflow.nodes.forEach((node, index) => {
        if (ids.has(node.id)) changes.push({ type: 'addNode', node, index });
      });
      workflow.edges.forEach((edge, index) => {
        if (ids.has(edge.source) || ids.has(edge.target)) changes.push({ type: 'addEdge', edge, index });
      });
      for (const id of change.ids) if (pinOf(workflow, id) !== undefined) changes.push({ type: 'setPin', id, output: pinOf(workflow, id) });
      return { type: 'batch', changes };
    }
    case 'updateNode': {
      const node = workflow.nodes.find((n) => n.id === change.id);
      return node ? { type: 'updateNode', id: change.id, patch: previous(node, Object.keys(change.patch)) } : { type: 'batch', changes: [] };
    }
    case 'setConfig': {
      const node = workflow.nodes.find((n) => n.id === change.id);
      return node ? { type: 'setConfig', id: change.id, field: change.field, value: node.config[change.field] } : { type: 'batch', changes: [] };
    }
    case 'moveNodes': {
      const positions: Record<string, { x: number; y: number } | undefined> = {};
      for (const node of workflow.nodes) if (Object.hasOwn(change.positions, node.id)) positions[node.id] = node.position;
      return { type: 'moveNodes', positions };
    }
    case 'addEdge':
      return workflow.edges.some((e) => sameEdge(e, change.edge)) ? { type: 'batch', changes: [] } : { type: 'removeEdges', edges: [change.edge] };
    case 'removeEdges': {
      const changes: WorkflowChange[] = [];
      workflow.edges.forEach((edge, index) => {
        if (change.edges.some((r) => sameEdge(edge, r))) changes.push({ type: 'addEdge', edge, index });
      });
      return { type: 'batch', changes };
    }
    case 'updateWorkflow':
      return { type: 'updateWorkflow', patch: previous(workflow, Object.keys(change.patch)) };
    case 'setPin':
      return { type: 'setPin', id: change.id, output: pinOf(workflow, change.id) };
    case 'addSticky':
      return (workflow.stickyNotes ?? []).some((n) => n.id === change.note.id) ? { type: 'batch', changes: [] } : { type: 'removeStickies', ids: [change.note.id] };
    case 'removeStickies': {
      const ids = new Set(change.ids);
      const changes: WorkflowChange[] = [];
      (workflow.stickyNotes ?? []).forEach((note, index) => {
        if (ids.has(note.id)) changes.push({ type: 'addSticky', note, index });
      });
      return { type: 'batch', changes };
    }
    case 'updateSticky': {
      const note = workflow.stickyNotes?.find((n) => n.id === change.id);
      return note ? { type: 'updateSticky', id: change.id, patch: previous(note, Object.keys(change.patch)) } : { type: 'batch', changes: [] };
    }
    case 'batch': {
      // Each inner change is inverted against the state it was applied to, then undone in reverse.
      const inverses: WorkflowChange[] = [];
      let state = workflow;
      for (const inner of change.changes) {
        inverses.unshift(invertChange(state, inner));
        state = applyChange(state, inner);
      }
      return { type: 'batch', changes: inverses };
    }
  }
}
