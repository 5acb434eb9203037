import type { NodeTypeInfo, WorkflowDefinition } from '@runtime-hub/protocol';
import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { carryOver } from '../../studio/carry-over';
import { edgeKey, type WorkflowChange } from '../../studio/changes';
import { newSticky } from '../../studio/stickies';
import { edgeOf, maxAttempts, outputsOf } from '../../studio/graph';
import type { LiveRun, NodeRunState } from '../../studio/run-state';
import type { IssueMap } from '../../studio/validation';
import { isDark, useUi } from '../../state/ui-store';
import { STICKY_PREFIX, StickyEdits, StickyNode, type StickyFlowNode } from './StickyNode';
import { LowDetail, StudioNode, lowDetail, type StudioFlowNode } from './StudioNode';

const nodeTypes = { step: StudioNode, sticky: StickyNode };
type FlowNode = StudioFlowNode | StickyFlowNode;
const SKIPPED: NodeRunState = { status: 'skipped', visits: 0, attempt: 0, durationMs: null, seq: 0, order: 0 };
export const PALETTE_MIME = 'application/x-runtime-hub-node';

export interface CanvasProps {
  workflow: WorkflowDefinition;
  types: Record<string, NodeTypeInfo>;
  run: LiveRun | null;
  issues: IssueMap;
  selection: string[];
  readOnly?: boolean;
  onChange?: (change: WorkflowChange, key?: string) => void;
  onSelect: (ids: string[]) => void;
  onDropType?: (type: string, position: { x: number; y: number }) => void;
}

/**
 * Workflow nodes as React Flow nodes. A node object is reused while its definition, run state,
 * issues and selection are the same objects, so a change re-renders only the nodes it touched.
 */
function useFlowNodes(
  { workflow, types, run, issues, selection }: Pick<CanvasProps, 'workflow' | 'types' | 'run' | 'issues' | 'selection'>,
  selectedNotes: ReadonlySet<string>,
): FlowNode[] {
  const cache = useRef(new Map<string, StudioFlowNode>());
  const stickies = useStickyNodes(workflow, selectedNotes);
  const steps = useMemo(() => {
    const selected = new Set(selection);
    // Once a run has finished, a node it never reached was skipped.
    const finished = run !== null && ['succeeded', 'failed', 'cancelled'].includes(run.status) && Object.keys(run.nodes).length > 0;
    const next = new Map<string, StudioFlowNode>();
    const nodes = workflow.nodes.map((def) => {
      const prev = cache.current.get(def.id);
      const nodeRun = run?.nodes[def.id] ?? (finished ? SKIPPED : undefined);
      const nodeIssues = issues.nodes[def.id];
      const isSelected = selected.has(def.id);
      const pinned = workflow.pinned !== undefined && Object.hasOwn(workflow.pinned, def.id);
      const attempts = maxAttempts(def, workflow);
      const reuse =
        prev &&
        prev.data.def === def &&
        prev.data.run === nodeRun &&
        prev.data.issues === nodeIssues &&
        prev.selected === isSelected &&
        prev.data.info === types[def.type] &&
        prev.data.pinned === pinned &&
        prev.data.maxAttempts === attempts;
      const node: StudioFlowNode = reuse
        ? prev
        : {
            id: def.id,
            type: 'step',
            position: def.position ?? { x: 0, y: 0 },
            selected: isSelected,
            data: { def, info: types[def.type], outputs: outputsOf(def, types[def.type]), run: nodeRun, issues: nodeIssues, pinned, maxAttempts: attempts },
          };
      next.set(def.id, node);
      return node;
    });
    cache.current = next;
    return nodes;
  }, [workflow.nodes, workflow.pinned, workflow.settings, types, run, issues, selection]);
  // Notes first, so they are drawn under the nodes.
  return useMemo(() => (stickies.length === 0 ? steps : [...stickies, ...steps]), [stickies, steps]);
}

/** Sticky notes as React Flow nodes; a note's node object is reused while the note is the same object. */
function useStickyNodes(workflow: WorkflowDefinition, selectedNotes: ReadonlySet<string>): StickyFlowNode[] {
  const cache = useRef(new Map<string, StickyFlowNode>());
  return useMemo(() => {
    const next = new Map<string, StickyFlowNode>();
    const nodes = (workflow.stickyNotes ?? []).map((note) => {
      const prev = cache.current.get(note.id);
      const selected = selectedNotes.has(note.id);
      const node: StickyFlowNode =
        prev && prev.data.note === note && prev.selected === selected
          ? prev
          : { id: STICKY_PREFIX + note.id, type: 'sticky', position: note.position, width: note.width, height: note.height, zIndex: -1, selected, data: { note } };
      next.set(note.id, node);
      return node;
    });
    cache.current = next;
    return nodes;
  }, [workflow.stickyNotes, selectedNotes]);
}

const stickyId = (flowId: string) => (flowId.startsWith(STICKY_PREFIX) ? flowId.slice(STICKY_PREFIX.length) : undefined);

/** The editing canvas: nodes with a handle per output, edges, minimap, zoom controls, drop target. */
export const Canvas = memo(function Canvas(props: CanvasProps) {
  const { workflow, run, readOnly, onChange, onSelect, onDropType } = props;
  // Selected notes stay selected across edits (the store's selection holds workflow nodes only).
  const [selectedNotes, setSelectedNotes] = useState<ReadonlySet<string>>(() => new Set());
  const derived = useFlowNodes(props, selectedNotes);
  // While dragging, positions live here; the workflow gets one moveNodes change on drop.
  const [nodes, setNodes] = useState(derived);
  const lastDerived = useRef(derived);
  useEffect(() => {
    const before = lastDerived.current;
    lastDerived.current = derived;
    setNodes((current) => carryOver(before, derived, current));
  }, [derived]);
  const theme = useUi((s) => s.theme);
  const simple = useStore(lowDetail);
  const flow = useReactFlow();

  const edges = useMemo<Edge[]>(
    () =>
      workflow.edges.map((e) => {
        const from = run?.nodes[e.source]?.status;
        const to = run?.nodes[e.target]?.status;
        const flowing = from === 'succeeded' && (to === 'running' || to === 'waiting' || to === 'retrying');
        const done = from === 'succeeded' && to !== undefined && to !== 'cancelled';
        return {
          id: edgeKey(e),
          source: e.source,
          target: e.target,
          sourceHandle: e.sourceOutput ?? 'main',
          targetHandle: 'in',
          animated: flowing,
          style: done ? { stroke: '#10b981', strokeWidth: 2 } : undefined,
        };
      }),
    [workflow.edges, run],
  );

  // The selection a drag makes reaches the store (and the property panel) when the drag ends, so
  // mounting the panel's editors does not stall the first frames of the drag.
  // A mouse-down on a node selects it before any drag starts, so the selection waits for the
  // button to come up (or the drag to end) whenever a button is down.
  const dragging = useRef(false);
  const pointerDown = useRef(false);
  const pendingSelection = useRef<string[] | null>(null);
  const onPointerDownCapture = useCallback(() => {
    pointerDown.current = true;
    const up = () => {
      pointerDown.current = false;
      if (!dragging.current && pendingSelection.current) onSelect(pendingSelection.current);
      if (!dragging.current) pendingSelection.current = null;
    };
    window.addEventListener('pointerup', up, { once: true, capture: true });
  }, [onSelect]);
  const onNodeDragStart = useCallback(() => {
    dragging.current = true;
  }, []);
  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => setNodes((current) => applyNodeChanges(changes, current)), []);
  const onNodeDragStop = useCallback(
    (_: unknown, _node: FlowNode, dragged: FlowNode[]) => {
      dragging.current = false;
      if (pendingSelection.current) onSelect(pendingSelection.current);
      pendingSelection.current = null;
      const positions: Record<string, { x: number; y: number }> = {};
      const changes: WorkflowChange[] = [];
      for (const n of dragged) {
        const position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
        const note = stickyId(n.id);
        if (note !== undefined) changes.push({ type: 'updateSticky', id: note, patch: { position } });
        else positions[n.id] = position;
      }
      if (Object.keys(positions).length > 0) changes.unshift({ type: 'moveNodes', positions });
      if (changes.length > 0) onChange?.(changes.length === 1 ? changes[0]! : { type: 'batch', changes });
    },
    [onChange, onSelect],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.target && c.source !== c.target) onChange?.({ type: 'addEdge', edge: edgeOf(c.source, c.sourceHandle, c.target) });
    },
    [onChange],
  );
  const onDelete = useCallback(
    ({ nodes: gone, edges: cut }: { nodes: FlowNode[]; edges: Edge[] }) => {
      const changes: WorkflowChange[] = [];
      const notes = gone.flatMap((n) => stickyId(n.id) ?? []);
      const steps = gone.filter((n) => stickyId(n.id) === undefined).map((n) => n.id);
      if (cut.length > 0) changes.push({ type: 'removeEdges', edges: cut.map((e) => edgeOf(e.source, e.sourceHandle, e.target)) });
      if (steps.length > 0) changes.push({ type: 'removeNodes', ids: steps });
      if (notes.length > 0) changes.push({ type: 'removeStickies', ids: notes });
      if (changes.length > 0) onChange?.({ type: 'batch', changes });
    },
    [onChange],
  );
  const onSelectionChange = useCallback(
    ({ nodes: picked }: OnSelectionChangeParams) => {
      // Notes are not part of the property panel's selection.
      const ids = picked.filter((n) => stickyId(n.id) === undefined).map((n) => n.id);
      const notes = picked.flatMap((n) => stickyId(n.id) ?? []);
      setSelectedNotes((prev) => (prev.size === notes.length && notes.every((id) => prev.has(id)) ? prev : new Set(notes)));
      if (dragging.current || pointerDown.current) pendingSelection.current = ids;
      else onSelect(ids);
    },
    [onSelect],
  );
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_MIME);
      if (!type || !onDropType) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onDropType(type, { x: Math.round(p.x - 100), y: Math.round(p.y - 30) });
    },
    [flow, onDropType],
  );
  const host = useRef<HTMLDivElement>(null);
  // A new note goes near the top-left corner of what is in view (below the button), where it
  // rarely covers nodes: fit view centres them.
  const addNote = useCallback(() => {
    const box = host.current?.getBoundingClientRect();
    const at = box ? flow.screenToFlowPosition({ x: box.left + 60, y: box.top + 60 }) : { x: 0, y: 0 };
    onChange?.({ type: 'addSticky', note: newSticky(workflow, { x: Math.round(at.x), y: Math.round(at.y) }) });
  }, [flow, onChange, workflow]);

  return (
    <div ref={host} className="h-full w-full" data-testid="canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} onPointerDownCapture={onPointerDownCapture}>
      <StickyEdits.Provider value={readOnly ? null : (onChange ?? null)}>
      <LowDetail.Provider value={simple}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onDelete={onDelete}
        onSelectionChange={onSelectionChange}
        onPaneClick={() => onSelect([])}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionOnDrag={false}
        colorMode={isDark(theme) ? 'dark' : 'light'}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.05}
        onlyRenderVisibleElements
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <MiniMap pannable zoomable />
        <Controls />
        {readOnly ? null : (
          <Panel position="top-right">
            <button type="button" onClick={addNote} className="rounded border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs text-amber-900 shadow-sm hover:bg-amber-100 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="add-note">
              + Note
            </button>
          </Panel>
        )}
      </ReactFlow>
      </LowDetail.Provider>
      </StickyEdits.Provider>
    </div>
  );
});
