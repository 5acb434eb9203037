import type { NodeTypeInfo, WorkflowDefinition } from '@runtime-hub/protocol';
import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { edgeKey, type WorkflowChange } from '../../studio/changes';
import { edgeOf, outputsOf } from '../../studio/graph';
import type { LiveRun, NodeRunState } from '../../studio/run-state';
import type { IssueMap } from '../../studio/validation';
import { isDark, useUi } from '../../state/ui-store';
import { StudioNode, type StudioFlowNode } from './StudioNode';

const nodeTypes = { step: StudioNode };
const SKIPPED: NodeRunState = { status: 'skipped', visits: 0, attempt: 0, durationMs: null, seq: 0, order: 0 };
export const PALETTE_MIME = 'application/x-runtime-hub-node';

export interface CanvasProps {
  workflow: WorkflowDefinition;
  types: Record<string, NodeTypeInfo>;
  run: LiveRun | null;
  issues: IssueMap;
  selection: string[];
  readOnly?: boolean;
  onChange?: (change: WorkflowChange) => void;
  onSelect: (ids: string[]) => void;
  onDropType?: (type: string, position: { x: number; y: number }) => void;
}

/**
 * Workflow nodes as React Flow nodes. A node object is reused while its definition, run state,
 * issues and selection are the same objects, so a change re-renders only the nodes it touched.
 */
function useFlowNodes({ workflow, types, run, issues, selection }: Pick<CanvasProps, 'workflow' | 'types' | 'run' | 'issues' | 'selection'>): StudioFlowNode[] {
  const cache = useRef(new Map<string, StudioFlowNode>());
  return useMemo(() => {
    const selected = new Set(selection);
    // Once a run has finished, a node it never reached was skipped.
    const finished = run !== null && ['succeeded', 'failed', 'cancelled'].includes(run.status) && Object.keys(run.nodes).length > 0;
    const next = new Map<string, StudioFlowNode>();
    const nodes = workflow.nodes.map((def) => {
      const prev = cache.current.get(def.id);
      const nodeRun = run?.nodes[def.id] ?? (finished ? SKIPPED : undefined);
      const nodeIssues = issues.nodes[def.id];
      const isSelected = selected.has(def.id);
      const reuse = prev && prev.data.def === def && prev.data.run === nodeRun && prev.data.issues === nodeIssues && prev.selected === isSelected && prev.data.info === types[def.type];
      const node: StudioFlowNode = reuse
        ? prev
        : {
            id: def.id,
            type: 'step',
            position: def.position ?? { x: 0, y: 0 },
            selected: isSelected,
            data: { def, info: types[def.type], outputs: outputsOf(def, types[def.type]), run: nodeRun, issues: nodeIssues },
          };
      next.set(def.id, node);
      return node;
    });
    cache.current = next;
    return nodes;
  }, [workflow.nodes, types, run, issues, selection]);
}

/** The editing canvas: nodes with a handle per output, edges, minimap, zoom controls, drop target. */
export const Canvas = memo(function Canvas(props: CanvasProps) {
  const { workflow, run, readOnly, onChange, onSelect, onDropType } = props;
  const derived = useFlowNodes(props);
  // While dragging, positions live here; the workflow gets one moveNodes change on drop.
  const [nodes, setNodes] = useState(derived);
  useEffect(
    () =>
      setNodes((current) => {
        // A selection made by starting a drag must not snap the dragged nodes back.
        const dragging = new Map(current.filter((n) => n.dragging).map((n) => [n.id, n]));
        return dragging.size === 0 ? derived : derived.map((n) => (dragging.has(n.id) ? { ...n, position: dragging.get(n.id)!.position, dragging: true } : n));
      }),
    [derived],
  );
  const theme = useUi((s) => s.theme);
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
  const dragging = useRef(false);
  const pendingSelection = useRef<string[] | null>(null);
  const onNodeDragStart = useCallback(() => {
    dragging.current = true;
  }, []);
  const onNodesChange = useCallback((changes: NodeChange<StudioFlowNode>[]) => setNodes((current) => applyNodeChanges(changes, current)), []);
  const onNodeDragStop = useCallback(
    (_: unknown, _node: StudioFlowNode, dragged: StudioFlowNode[]) => {
      dragging.current = false;
      if (pendingSelection.current) onSelect(pendingSelection.current);
      pendingSelection.current = null;
      const positions: Record<string, { x: number; y: number }> = {};
      for (const n of dragged) positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
      onChange?.({ type: 'moveNodes', positions });
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
    ({ nodes: gone, edges: cut }: { nodes: StudioFlowNode[]; edges: Edge[] }) => {
      const changes: WorkflowChange[] = [];
      if (cut.length > 0) changes.push({ type: 'removeEdges', edges: cut.map((e) => edgeOf(e.source, e.sourceHandle, e.target)) });
      if (gone.length > 0) changes.push({ type: 'removeNodes', ids: gone.map((n) => n.id) });
      if (changes.length > 0) onChange?.({ type: 'batch', changes });
    },
    [onChange],
  );
  const onSelectionChange = useCallback(
    ({ nodes: picked }: OnSelectionChangeParams) => {
      const ids = picked.map((n) => n.id);
      if (dragging.current) pendingSelection.current = ids;
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

  return (
    <div className="h-full w-full" data-testid="canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <ReactFlow<StudioFlowNode>
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
      </ReactFlow>
    </div>
  );
});
