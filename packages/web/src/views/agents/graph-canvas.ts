import type { ZoomTransform } from 'd3-zoom';
import { type Point, positionOf, STYLE, visibleColumns } from '../../agents/graph-geometry';
import type { GraphNode, NodeType } from '../../agents/graph-model';

export interface Scene {
  nodes: ReadonlyMap<string, GraphNode>;
  byCol: ReadonlyArray<GraphNode | undefined>;
  columns: number;
  dragged: ReadonlyMap<string, Point>;
  path: ReadonlySet<string> | null;
  selected: string | null;
}

/**
 * Draws the run graph on a canvas: only the columns in view (plus dragged nodes), each node type
 * as one batched path, labels only when zoomed in enough to read them. Text is drawn with
 * fillText, so names from payloads are pixels, never markup.
 */
export function drawGraph(canvas: HTMLCanvasElement, scene: Scene, t: ZoomTransform): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const started = performance.now();
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.width / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, canvas.height / dpr);
  ctx.translate(t.x, t.y);
  ctx.scale(t.k, t.k);
  const [c0, c1] = visibleColumns(width, t.k, t.x, scene.columns);
  const visible: GraphNode[] = [];
  for (let c = c0; c <= c1; c++) {
    const n = scene.byCol[c];
    if (n && !scene.dragged.has(n.id)) visible.push(n);
  }
  for (const id of scene.dragged.keys()) {
    const n = scene.nodes.get(id);
    if (n) visible.push(n);
  }
  const { path } = scene;
  // Zoomed far out, shapes are a few pixels: squares and straight edges rasterize far cheaper.
  const coarse = t.k < 0.15;

  if (t.k < 0.05) {
    drawOverview(ctx, visible, scene, t);
    performance.measure('rh-graph-draw', { start: started, end: performance.now() });
    return;
  }
  for (const lit of path ? [false, true] : [false]) {
    ctx.beginPath();
    for (const n of visible) {
      const parent = n.parent ? scene.nodes.get(n.parent) : undefined;
      if (!parent) continue;
      if (path && (path.has(n.id) && path.has(parent.id)) !== lit) continue;
      const a = positionOf(parent, scene.dragged);
      const b = positionOf(n, scene.dragged);
      const midY = (a.y + b.y) / 2;
      ctx.moveTo(a.x, a.y + 16);
      if (coarse) ctx.lineTo(b.x, b.y - 16);
      else ctx.bezierCurveTo(a.x, midY, b.x, midY, b.x, b.y - 16);
    }
    ctx.strokeStyle = lit ? '#4f46e5' : path ? 'rgba(161,161,170,0.3)' : '#a1a1aa';
    ctx.lineWidth = (lit ? 2.5 : 1) / (coarse ? t.k : 1);
    ctx.stroke();
  }

  for (const type of Object.keys(STYLE) as NodeType[]) {
    ctx.beginPath();
    for (const n of visible) {
      if (n.type !== type) continue;
      const at = positionOf(n, scene.dragged);
      if (coarse) ctx.rect(at.x - 16, at.y - 16, 32, 32);
      else shape(ctx, type, at);
    }
    ctx.globalAlpha = path ? 0.3 : 1;
    ctx.fillStyle = STYLE[type].fill;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  // Highlights: the hovered path, errors, running and the selection.
  const mark = (filter: (n: GraphNode) => boolean, color: string, widthPx: number, dash: number[] = [], fill = false) => {
    ctx.beginPath();
    for (const n of visible) if (filter(n)) shape(ctx, n.type, positionOf(n, scene.dragged));
    if (fill) {
      ctx.fillStyle = color;
      ctx.fill();
    }
    ctx.setLineDash(dash);
    ctx.strokeStyle = color;
    ctx.lineWidth = widthPx;
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (path) {
    for (const type of Object.keys(STYLE) as NodeType[]) mark((n) => n.type === type && path.has(n.id), STYLE[type].fill, 3, [], true);
  }
  mark((n) => n.span.endTime === null, '#0284c7', 2, [4, 2]);
  mark((n) => n.span.status === 'error', '#dc2626', 3);
  mark((n) => n.id === scene.selected, '#18181b', 3);

  if (t.k >= 0.6) {
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillStyle = '#52525b';
    for (const n of visible) {
      const at = positionOf(n, scene.dragged);
      const name = n.span.name.length > 16 ? `${n.span.name.slice(0, 15)}…` : n.span.name;
      ctx.fillText(name, at.x, at.y + 30);
      if (n.foldedRepeats) ctx.fillText(`×${n.foldedRepeats}`, at.x + 24, at.y - 14);
    }
  }
  // Read by bench/agents: how long one frame of the graph takes to draw.
  performance.measure('rh-graph-draw', { start: started, end: performance.now() });
}

function shape(ctx: CanvasRenderingContext2D, type: NodeType, p: Point): void {
  switch (type) {
    case 'orchestrator':
    case 'agent': {
      const r = type === 'orchestrator' ? 17 : 14;
      ctx.moveTo(p.x + r, p.y);
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      return;
    }
    case 'llm':
      ctx.rect(p.x - 18, p.y - 12, 36, 24);
      return;
    case 'tool':
      for (let i = 0; i <= 6; i++) {
        const a = (Math.PI / 3) * i;
        const x = p.x + 15 * Math.cos(a);
        const y = p.y + 15 * Math.sin(a);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      return;
    default:
      ctx.moveTo(p.x, p.y - 9);
      ctx.lineTo(p.x + 9, p.y);
      ctx.lineTo(p.x, p.y + 9);
      ctx.lineTo(p.x - 9, p.y);
      ctx.closePath();
  }
}

/**
 * Zoomed out so far that several nodes share a screen pixel: one square per occupied 2-pixel cell
 * and node type, edges left out. Drawn in screen space with fillRect, which costs the rasterizer a
 * few thousand tiny rectangles instead of thousands of overlapping paths per frame.
 */
function drawOverview(ctx: CanvasRenderingContext2D, visible: readonly GraphNode[], scene: Scene, t: ZoomTransform): void {
  ctx.setTransform(window.devicePixelRatio || 1, 0, 0, window.devicePixelRatio || 1, 0, 0);
  const cells = new Map<number, NodeType>();
  const severity: Record<NodeType, number> = { other: 0, tool: 1, llm: 2, agent: 3, orchestrator: 4 };
  for (const n of visible) {
    const at = positionOf(n, scene.dragged);
    const x = Math.round((at.x * t.k + t.x) / 2);
    const y = Math.round((at.y * t.k + t.y) / 2);
    const key = x * 65536 + y;
    const had = cells.get(key);
    if (had === undefined || severity[n.type] > severity[had]) cells.set(key, n.type);
  }
  const size = Math.max(2, 30 * t.k);
  for (const type of Object.keys(STYLE) as NodeType[]) {
    ctx.fillStyle = STYLE[type].fill;
    for (const [key, cellType] of cells) {
      if (cellType !== type) continue;
      ctx.fillRect(Math.floor(key / 65536) * 2 - size / 2, (key % 65536) * 2 - size / 2, size, size);
    }
  }
}
