import { applyChange, invertChange, type Workflow, type WorkflowChange } from './changes';

interface Entry {
  change: WorkflowChange;
  inverse: WorkflowChange;
  /** Edits with the same key within MERGE_MS merge into one undo step (typing in a field). */
  key?: string;
  at: number;
}

/** A workflow with its undo and redo stacks; every operation returns a new value. */
export interface Editing {
  workflow: Workflow;
  past: Entry[];
  future: Entry[];
}

const LIMIT = 200;
const MERGE_MS = 1000;

export function startEditing(workflow: Workflow): Editing {
  return { workflow, past: [], future: [] };
}

/** Applies a change and records it for undo; `key` merges quick successive edits of one field. */
export function edit(state: Editing, change: WorkflowChange, options: { key?: string; now?: number } = {}): Editing {
  const next = applyChange(state.workflow, change);
  if (next === state.workflow) return state;
  const now = options.now ?? Date.now();
  const inverse = invertChange(state.workflow, change);
  const last = state.past.at(-1);
  if (options.key !== undefined && last?.key === options.key && now - last.at < MERGE_MS) {
    const merged: Entry = { change: { type: 'batch', changes: [last.change, change] }, inverse: { type: 'batch', changes: [inverse, last.inverse] }, key: options.key, at: now };
    return { workflow: next, past: [...state.past.slice(0, -1), merged], future: [] };
  }
  const entry: Entry = { change, inverse, at: now, ...(options.key !== undefined ? { key: options.key } : {}) };
  return { workflow: next, past: [...state.past, entry].slice(-LIMIT), future: [] };
}

export function undo(state: Editing): Editing {
  const entry = state.past.at(-1);
  if (!entry) return state;
  return { workflow: applyChange(state.workflow, entry.inverse), past: state.past.slice(0, -1), future: [...state.future, { ...entry, at: 0 }] };
}

export function redo(state: Editing): Editing {
  const entry = state.future.at(-1);
  if (!entry) return state;
  return { workflow: applyChange(state.workflow, entry.change), past: [...state.past, { ...entry, at: 0 }], future: state.future.slice(0, -1) };
}
