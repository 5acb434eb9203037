import type { GraphNode, NodeType } from './graph-model';

/** Where nodes are drawn and what is under the pointer; shared by the SVG and the canvas renderer. */

export const COL_W = 54;
export const ROW_H = 96;
export const PAD = 40;

export interface Point {
  x: number;
  y: number;
}

export const STYLE: Record<NodeType, { fill: string; stroke: string; label: string }> = {
  orchestrator: { fill: '#6366f1', stroke: '#4338ca', label: 'orchestrator' },
  agent: { fill: '#f59e0b', stroke: '#b45309', label: 'agent' },
  llm: { fill: '#0ea5e9', stroke: '#0369a1', label: 'LLM call' },
  tool: { fill: '#10b981', stroke: '#047857', label: 'tool' },
  other: { fill: '#a1a1aa', stroke: '#52525b', label: 'step' },
};

export function basePosition(node: Pick<GraphNode, 'col' | 'depth'>): Point {
  return { x: PAD + node.col * COL_W, y: PAD + node.depth * ROW_H };
}

/** Node positions: the layout's, or where the user dragged the node. */
export function positionOf(node: GraphNode, dragged: ReadonlyMap<string, Point>): Point {
  return dragged.get(node.id) ?? basePosition(node);
}

/** An outline of a node's shape around (0, 0) as SVG path data: circle, rectangle or hexagon. */
export function shapePath(type: NodeType): string {
  switch (type) {
    case 'orchestrator':
      return circle(17);
    case 'agent':
      return circle(14);
    case 'llm':
      return 'M-18,-12 H18 V12 H-18 Z';
    case 'tool':
      return hexagon(15);
    default:
      return 'M0,-9 L9,0 L0,9 L-9,0 Z';
  }
}

function circle(r: number): string {
  return `M${-r},0 a${r},${r} 0 1,0 ${2 * r},0 a${r},${r} 0 1,0 ${-2 * r},0`;
}

export function hexagon(r: number): string {
  const points = Array.from({ length: 6 }, (_, i) => {
    const a = (Math.PI / 3) * i;
    return `${(r * Math.cos(a)).toFixed(2)},${(r * Math.sin(a)).toFixed(2)}`;
  });
  return `M${points.join(' L')} Z`;
}

/** An edge from a parent's bottom to a child's top: a smooth curve. */
export function edgePath(from: Point, to: Point): string {
  const midY = (from.y + to.y) / 2;
  return `M${from.x},${from.y + 16} C${from.x},${midY} ${to.x},${midY} ${to.x},${to.y - 16}`;
}

/**
 * The node under a point in graph coordinates: nodes sit one per column, so the column under
 * the point and its neighbours are all there is to check (plus dragged nodes, which moved).
 */
export function hitTest(p: Point, byCol: ReadonlyArray<GraphNode | undefined>, dragged: ReadonlyMap<string, Point>, nodes: ReadonlyMap<string, GraphNode>): GraphNode | undefined {
  const near = (n: GraphNode | undefined) => {
    if (!n) return false;
    const at = positionOf(n, dragged);
    return Math.abs(at.x - p.x) <= 19 && Math.abs(at.y - p.y) <= 17;
  };
  for (const id of dragged.keys()) {
    const n = nodes.get(id);
    if (near(n)) return n;
  }
  const col = Math.round((p.x - PAD) / COL_W);
  for (const c of [col, col - 1, col + 1]) {
    const n = byCol[c];
    if (n && !dragged.has(n.id) && near(n)) return n;
  }
  return undefined;
}

/** The columns a viewport of `width` shows at zoom `k` and horizontal offset `tx` (with a margin). */
export function visibleColumns(width: number, k: number, tx: number, columns: number): [number, number] {
  const left = (-tx / k - PAD) / COL_W - 2;
  const right = ((width - tx) / k - PAD) / COL_W + 2;
  return [Math.max(0, Math.floor(left)), Math.min(columns - 1, Math.ceil(right))];
}
