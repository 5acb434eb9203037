import type { NodeTypeInfo, RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { create } from 'zustand';
import { ApiError } from '../api/client';
import { studioApi, type NodeCatalog } from './api';
import { triggerDataKey } from './curl';
import type { WorkflowChange } from './changes';
import { copySelection, pasteChange } from './clipboard';
import { addAfter, newNode } from './graph';
import { edit, redo, startEditing, undo, type Editing } from './history';
import { layoutPositions } from './layout';
import { emptyLiveRun, runStateFromSteps, type LiveRun } from './run-state';
import { mapIssues, type Issue, type IssueMap } from './validation';

export interface Conflict {
  /** The version on the hub and its definition, to show what changed. */
  server: WorkflowDefinition;
}

export interface StudioState {
  project: string;
  catalog: NodeCatalog | null;
  types: Record<string, NodeTypeInfo>;
  secrets: string[];
  env: string[];
  editing: Editing | null;
  /** The definition as last saved or loaded, to tell whether there are unsaved edits. */
  saved: WorkflowDefinition | null;
  selection: string[];
  issues: IssueMap;
  saving: boolean;
  message: { kind: 'error' | 'info'; text: string } | null;
  conflict: Conflict | null;
  /** The run shown on the canvas: live statuses, then its stored record and steps. */
  run: LiveRun | null;
  runDetail: { run: RunRecord; steps: StepRecord[] } | null;
  /** The run bar's trigger data (JSON text), remembered per workflow in this browser. */
  triggerText: string;
  setTriggerText(text: string): void;
  load(project: string, workflow: string): Promise<void>;
  apply(change: WorkflowChange, key?: string): void;
  undo(): void;
  redo(): void;
  select(ids: string[]): void;
  addNode(type: string, position?: { x: number; y: number }): void;
  deleteSelection(): void;
  layout(): Promise<void>;
  copy(): string;
  paste(text: string): Promise<boolean>;
  save(options?: { overwrite?: boolean }): Promise<boolean>;
  /** Checks the current definition with the hub's validator, without saving. */
  validate(): Promise<void>;
  reload(): Promise<void>;
  showRun(runId: string | null): void;
  setRun(run: LiveRun): void;
  loadRunDetail(runId: string): Promise<void>;
}

const noIssues: IssueMap = { nodes: {}, workflow: [] };

function current(state: StudioState): WorkflowDefinition {
  if (!state.editing) throw new Error('no workflow loaded');
  return state.editing.workflow;
}

/** What the hub receives on save: the definition without the hub-owned project field. */
function body(workflow: WorkflowDefinition, version?: number): WorkflowDefinition {
  const copy = { ...workflow };
  delete copy.project;
  if (version !== undefined) copy.version = version;
  return copy;
}

/** The editor's state: the workflow being edited (with undo), selection, issues and the run shown. */
export const useStudio = create<StudioState>()((set, get) => ({
  project: '',
  catalog: null,
  types: {},
  secrets: [],
  env: [],
  editing: null,
  saved: null,
  selection: [],
  issues: noIssues,
  saving: false,
  message: null,
  conflict: null,
  run: null,
  runDetail: null,
  triggerText: '{}',
  setTriggerText(text) {
    const { project, editing } = get();
    if (editing) localStorage.setItem(triggerDataKey(project, editing.workflow.id), text);
    set({ triggerText: text });
  },

  async load(project, workflow) {
    set({ triggerText: localStorage.getItem(triggerDataKey(project, workflow)) ?? '{}' });
    set({ project, editing: null, selection: [], issues: noIssues, conflict: null, message: null, run: null, runDetail: null });
    const [catalog, detail, found] = await Promise.all([get().catalog ?? studioApi.catalog(), studioApi.project(project), studioApi.workflow(project, workflow)]);
    const types = Object.fromEntries(catalog.nodeTypes.map((t) => [t.type, t]));
    let definition = found.workflow;
    if (definition.nodes.some((n) => !n.position)) {
      const positions = await layoutPositions(definition);
      definition = { ...definition, nodes: definition.nodes.map((n) => (n.position ? n : { ...n, position: positions[n.id] ?? { x: 0, y: 0 } })) };
    }
    set({
      catalog,
      types,
      secrets: detail.secrets,
      env: Object.keys(detail.project.env ?? {}),
      editing: startEditing(definition),
      saved: definition,
    });
  },

  apply(change, key) {
    const { editing } = get();
    if (!editing) return;
    set({ editing: edit(editing, change, key !== undefined ? { key } : {}) });
  },
  undo() {
    const { editing } = get();
    if (editing) set({ editing: undo(editing) });
  },
  redo() {
    const { editing } = get();
    if (editing) set({ editing: redo(editing) });
  },
  select(ids) {
    const prev = get().selection;
    if (prev.length === ids.length && prev.every((id, i) => id === ids[i])) return;
    set({ selection: ids });
  },

  addNode(type, position) {
    const state = get();
    const info = state.types[type];
    if (!info || !state.editing) return;
    const workflow = current(state);
    const after = state.selection.length === 1 ? workflow.nodes.find((n) => n.id === state.selection[0]) : undefined;
    const node = newNode(info, workflow, position ?? { x: 0, y: 0 });
    if (!position && !after) {
      const last = workflow.nodes.at(-1)?.position;
      node.position = last ? { x: last.x + 260, y: last.y } : { x: 0, y: 0 };
    }
    const change = position ? ({ type: 'addNode', node } as const) : addAfter(workflow, node, after, after ? state.types[after.type] : undefined);
    state.apply(change);
    set({ selection: [node.id] });
  },

  deleteSelection() {
    const { selection } = get();
    if (selection.length === 0) return;
    get().apply({ type: 'removeNodes', ids: selection });
    set({ selection: [] });
  },

  async layout() {
    const state = get();
    if (!state.editing) return;
    const positions = await layoutPositions(current(state));
    get().apply({ type: 'moveNodes', positions });
  },

  copy() {
    const state = get();
    return state.editing ? copySelection(current(state), state.selection) : '';
  },

  async paste(text) {
    const state = get();
    if (!state.editing) return false;
    const workflow = current(state);
    const pasted = pasteChange(workflow, text);
    if (!pasted) return false;
    let change = pasted.change;
    if (pasted.needsLayout) {
      // Laid out on their own, then placed below what is already on the canvas.
      const added = change.type === 'batch' ? change.changes : [change];
      const nodes = added.flatMap((c) => (c.type === 'addNode' ? [c.node] : []));
      const edges = added.flatMap((c) => (c.type === 'addEdge' ? [c.edge] : []));
      const positions = await layoutPositions({ ...workflow, nodes, edges });
      const bottom = Math.max(-120, ...workflow.nodes.map((n) => n.position?.y ?? 0)) + 120;
      const left = Math.min(0, ...workflow.nodes.map((n) => n.position?.x ?? 0));
      change = {
        type: 'batch',
        changes: added.map((c) => (c.type === 'addNode' ? { ...c, node: { ...c.node, position: { x: left + positions[c.node.id]!.x, y: bottom + positions[c.node.id]!.y } } } : c)),
      };
    }
    get().apply(change);
    set({ selection: pasted.ids });
    return true;
  },

  async save(options = {}) {
    const state = get();
    if (!state.editing || state.saving) return false;
    const workflow = current(state);
    set({ saving: true, message: null });
    try {
      const version = options.overwrite && state.conflict ? state.conflict.server.version : workflow.version;
      const saved = await studioApi.saveWorkflow(state.project, body(workflow, version));
      const ids = saved.workflow.nodes.map((n) => n.id);
      // The hub's copy is the truth; keep positions and undo history (only the version moved on).
      const next = { ...get().editing!.workflow, version: saved.workflow.version };
      set({
        editing: { ...get().editing!, workflow: next },
        saved: next,
        issues: mapIssues([], saved.warnings, ids),
        conflict: null,
        message: { kind: 'info', text: `Saved version ${saved.workflow.version}` },
      });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VERSION_CONFLICT') {
        const server = await studioApi.workflow(state.project, workflow.id);
        set({ conflict: { server: server.workflow }, message: { kind: 'error', text: error.message } });
      } else if (error instanceof ApiError && error.code === 'WORKFLOW_INVALID') {
        const issues = ((error.details as { issues?: Issue[] } | undefined)?.issues ?? []) as Issue[];
        set({ issues: mapIssues(issues, [], workflow.nodes.map((n) => n.id)), message: { kind: 'error', text: error.message } });
      } else {
        set({ message: { kind: 'error', text: (error as Error).message } });
      }
      return false;
    } finally {
      set({ saving: false });
    }
  },

  async validate() {
    const state = get();
    if (!state.editing) return;
    const workflow = current(state);
    const result = await studioApi.validate(state.project, body(workflow));
    // Edited again meanwhile: that edit's own check will answer.
    if (get().editing?.workflow !== workflow) return;
    set({ issues: mapIssues(result.errors, result.warnings, workflow.nodes.map((n) => n.id)) });
  },

  async reload() {
    const state = get();
    if (!state.editing) return;
    await state.load(state.project, current(state).id);
  },

  showRun(runId) {
    set({ run: runId ? emptyLiveRun(runId) : null, runDetail: null });
  },
  setRun(run) {
    set({ run });
  },
  async loadRunDetail(runId) {
    const detail = await studioApi.run(runId);
    if (get().run?.runId !== runId) return;
    const fromSteps = runStateFromSteps(detail.run, detail.steps);
    set({ runDetail: detail, run: fromSteps });
  },
}));

// Definitions are immutable values: each is serialized at most once (a 500-node one takes a few
// milliseconds, and the editor asks on every render).
const serialized = new WeakMap<object, string>();
function jsonOf(workflow: WorkflowDefinition): string {
  let json = serialized.get(workflow);
  if (json === undefined) serialized.set(workflow, (json = JSON.stringify(workflow)));
  return json;
}

/** Whether the workflow has edits that are not saved. */
export function isDirty(state: Pick<StudioState, 'editing' | 'saved'>): boolean {
  if (state.editing === null || state.editing.workflow === state.saved) return false;
  return state.saved === null || jsonOf(state.editing.workflow) !== jsonOf(state.saved);
}
