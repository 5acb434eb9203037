import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { basePosition, edgePath, hitTest, type Point, positionOf, shapePath, STYLE } from '../../agents/graph-geometry';
import { type GraphNode, type GraphSpan, pathToRoot, RunGraphLayout } from '../../agents/graph-model';
import type { Annotation } from '../../api/types';
import type { MarksBySpan } from '../../components/AnnotationMarks';
import { drawGraph, type Scene } from './graph-canvas';

/** Above this many visible nodes the graph is drawn on a canvas instead of as SVG elements. */
export const CANVAS_THRESHOLD = 600;

interface Props {
  spans: readonly GraphSpan[];
  selected: string | null;
  onSelect(spanId: string): void;
  /** Bookmarks and notes by span id: a ★ or a note count on the node (SVG only). */
  marks?: MarksBySpan;
}

/**
 * The run graph (seed 002): orchestrator, agents, LLM calls and tools with their own shapes;
 * zoom and pan (d3-zoom), drag a node, hover shows the path to the root, click opens the detail.
 * Layout and hit testing are pure (agents/graph-*.ts); this component only draws and listens.
 */
export function RunGraph({ spans, selected, onSelect, marks }: Props) {
  const [folded, setFolded] = useState<ReadonlySet<string>>(() => new Set());
  const layout = useMemo(() => new RunGraphLayout(folded), [folded]);
  const { nodes, loops, columns } = useMemo(() => {
    const r = layout.update(spans);
    return { nodes: new Map(r.nodes), loops: r.loops, columns: r.columns };
  }, [layout, spans]);
  const byCol = useMemo(() => {
    const list: (GraphNode | undefined)[] = new Array(columns);
    for (const n of nodes.values()) list[n.col] = n;
    return list;
  }, [nodes, columns]);
  const [hovered, setHovered] = useState<string | null>(null);
  const [, setDragTick] = useState(0);
  const dragged = useRef(new Map<string, Point>()).current;
  const canvasMode = nodes.size > CANVAS_THRESHOLD;
  const path = useMemo(() => (hovered && nodes.has(hovered) ? pathToRoot(hovered, nodes) : null), [hovered, nodes]);

  const box = useRef<HTMLDivElement>(null);
  const group = useRef<SVGGElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const transform = useRef<ZoomTransform>(zoomIdentity);
  const scene = useRef<Scene | null>(null);
  scene.current = { nodes, byCol, columns, dragged, path, selected };
  const frame = useRef(0);

  const redraw = useCallback(() => {
    if (group.current) group.current.setAttribute('transform', transform.current.toString());
    if (!canvas.current || frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (canvas.current && scene.current) drawGraph(canvas.current, scene.current, transform.current);
    });
  }, []);

  const graphPoint = useCallback((clientX: number, clientY: number): Point => {
    const rect = box.current!.getBoundingClientRect();
    const [x, y] = transform.current.invert([clientX - rect.left, clientY - rect.top]);
    return { x, y };
  }, []);
  const nodeAt = useCallback(
    (clientX: number, clientY: number) => {
      const s = scene.current!;
      return hitTest(graphPoint(clientX, clientY), s.byCol, s.dragged, s.nodes);
    },
    [graphPoint],
  );

  // Zoom and pan; a press on a node drags the node instead.
  useEffect(() => {
    const element = box.current!;
    const behavior: ZoomBehavior<HTMLDivElement, unknown> = zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.004, 4])
      .filter((event: MouseEvent & WheelEvent) => event.type === 'wheel' || (!event.button && !nodeAt(event.clientX, event.clientY)))
      .on('zoom', (event: { transform: ZoomTransform }) => {
        transform.current = event.transform;
        redraw();
      });
    select(element).call(behavior).on('dblclick.zoom', null);
    const depth = Math.max(1, ...[...(scene.current?.nodes.values() ?? [])].map((n) => n.depth));
    const k = Math.min(1, Math.max(0.1, (element.clientHeight - 20) / (depth * 96 + 80)));
    select(element).call(behavior.transform, zoomIdentity.scale(k));
    return () => {
      select(element).on('.zoom', null);
    };
  }, [nodeAt, redraw]);

  // Canvas size follows the box.
  useEffect(() => {
    if (!canvasMode) return;
    const element = box.current!;
    const resize = () => {
      const c = canvas.current;
      if (!c) return;
      const dpr = window.devicePixelRatio || 1;
      c.width = Math.round(element.clientWidth * dpr);
      c.height = Math.round(element.clientHeight * dpr);
      c.style.width = `${element.clientWidth}px`;
      c.style.height = `${element.clientHeight}px`;
      redraw();
    };
    const observer = new ResizeObserver(resize);
    observer.observe(element);
    resize();
    return () => observer.disconnect();
  }, [canvasMode, redraw]);

  useEffect(() => redraw(), [nodes, path, selected, redraw]);

  const drag = useRef<{ id: string; x: number; y: number; moved: boolean } | null>(null);
  const onPointerDown = (e: React.PointerEvent) => {
    const node = nodeAt(e.clientX, e.clientY);
    if (!node || e.button !== 0) return;
    drag.current = { id: node.id, x: e.clientX, y: e.clientY, moved: false };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const d = drag.current;
    if (d) {
      if (!d.moved && Math.hypot(e.clientX - d.x, e.clientY - d.y) < 4) return;
      d.moved = true;
      dragged.set(d.id, graphPoint(e.clientX, e.clientY));
      if (canvasMode) redraw();
      else setDragTick((t) => t + 1);
      return;
    }
    if (e.buttons !== 0) return; // panning: no hover work while the background is dragged
    const id = nodeAt(e.clientX, e.clientY)?.id ?? null;
    if (id !== hovered) setHovered(id);
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) onSelect(d.id);
  };

  const foldAll = loops.length > 0 && folded.size === 0;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-1.5 text-xs dark:border-zinc-800">
        <Legend />
        <span className="text-zinc-500" data-testid="graph-count">
          {nodes.size.toLocaleString()} nodes{canvasMode ? ' · canvas' : ''}
        </span>
        {loops.length > 0 ? (
          <button
            type="button"
            data-testid="fold-loops"
            className="rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            onClick={() => {
              dragged.clear();
              setFolded(foldAll ? new Set(loops.map((l) => l.id)) : new Set());
            }}
          >
            {foldAll ? `Fold ${loops.length} repeated loop${loops.length === 1 ? '' : 's'}` : 'Unfold loops'}
          </button>
        ) : null}
        <span className="ml-auto text-zinc-400">time →, depth ↓ · scroll to zoom, drag to pan or move a node</span>
      </div>
      <div
        ref={box}
        className="relative min-h-0 flex-1 cursor-grab overflow-hidden bg-zinc-50 dark:bg-zinc-950"
        data-testid="run-graph"
        data-renderer={canvasMode ? 'canvas' : 'svg'}
        data-nodes={nodes.size}
        data-hovered={hovered ?? ''}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setHovered(null)}
      >
        {canvasMode ? <canvas ref={canvas} className="absolute inset-0" aria-label="Run graph" role="img" /> : <SvgGraph nodes={nodes} dragged={dragged} path={path} selected={selected} groupRef={group} transform={transform.current} marks={marks} />}
      </div>
    </div>
  );
}

function SvgGraph({ nodes, dragged, path, selected, groupRef, transform, marks }: { nodes: Map<string, GraphNode>; dragged: Map<string, Point>; path: Set<string> | null; selected: string | null; groupRef: React.RefObject<SVGGElement | null>; transform: ZoomTransform; marks: MarksBySpan | undefined }) {
  const list = [...nodes.values()];
  const groups = new Map<string, GraphNode[]>();
  for (const n of list) if (n.parallelGroup) groups.set(n.parallelGroup, [...(groups.get(n.parallelGroup) ?? []), n]);
  return (
    <svg className="absolute inset-0 size-full" aria-label="Run graph">
      <g ref={groupRef} transform={transform.toString()}>
        {[...groups].map(([id, members]) => {
          const xs = members.map((m) => basePosition(m).x);
          const y = basePosition(members[0]!).y;
          return (
            <g key={id} data-testid="parallel-group" data-size={members.length}>
              <rect x={Math.min(...xs) - 24} y={y - 26} width={Math.max(...xs) - Math.min(...xs) + 48} height={62} rx={10} fill="none" stroke="#a1a1aa" strokeDasharray="4 3" />
              <text x={Math.min(...xs) - 20} y={y - 30} fontSize={10} fill="#71717a">
                parallel ×{members.length}
              </text>
            </g>
          );
        })}
        {list.map((n) => {
          const parent = n.parent ? nodes.get(n.parent) : undefined;
          if (!parent) return null;
          const on = path?.has(n.id) && path.has(parent.id);
          return <path key={`e${n.id}`} d={edgePath(positionOf(parent, dragged), positionOf(n, dragged))} fill="none" stroke={on ? '#4f46e5' : '#a1a1aa'} strokeWidth={on ? 2.5 : 1} opacity={path && !on ? 0.3 : 1} />;
        })}
        {list.map((n) => {
          const at = positionOf(n, dragged);
          const style = STYLE[n.type];
          const running = n.span.endTime === null;
          const error = n.span.status === 'error';
          const lit = !path || path.has(n.id);
          return (
            <g
              key={n.id}
              transform={`translate(${at.x},${at.y})`}
              data-testid="graph-node"
              data-span-id={n.id}
              data-type={n.type}
              data-depth={n.depth}
              data-col={n.col}
              data-parallel={n.parallelGroup ?? ''}
              data-on-path={path?.has(n.id) ? 'true' : undefined}
              opacity={lit ? 1 : 0.3}
              className={running ? 'animate-pulse' : undefined}
            >
              <title>{`${style.label}: ${n.span.name}`}</title>
              <path d={shapePath(n.type)} fill={style.fill} stroke={error ? '#dc2626' : selected === n.id ? '#18181b' : style.stroke} strokeWidth={error || selected === n.id || path?.has(n.id) ? 3 : 1.5} strokeDasharray={running ? '4 2' : undefined} />
              <text y={30} textAnchor="middle" fontSize={10} className="fill-zinc-700 dark:fill-zinc-300">
                {n.span.name.length > 16 ? `${n.span.name.slice(0, 15)}…` : n.span.name}
              </text>
              <NodeMarks marks={marks?.get(n.id)} />
              {n.foldedRepeats ? (
                <text x={20} y={-14} fontSize={10} fontWeight={700} fill="#4f46e5" data-testid="fold-badge">
                  ×{n.foldedRepeats}
                </text>
              ) : null}
            </g>
          );
        })}
      </g>
    </svg>
  );
}

/** A ★ above a bookmarked node, and the number of notes; the notes' labels on hover. */
function NodeMarks({ marks }: { marks: Annotation[] | undefined }) {
  if (!marks || marks.length === 0) return null;
  const notes = marks.filter((m) => m.kind === 'note');
  const bookmarked = notes.length < marks.length;
  return (
    <text x={-22} y={-14} fontSize={11} fill="#d97706" data-testid="node-marks" data-bookmarked={bookmarked || undefined} data-notes={notes.length}>
      <title>{notes.map((n) => `${n.label ?? 'note'}${n.score !== undefined ? ` (${n.score})` : ''}: ${n.text ?? ''}`).join('\n') || 'Bookmarked'}</title>
      {bookmarked ? '★' : ''}
      {notes.length ? `✎${notes.length}` : ''}
    </text>
  );
}

function Legend() {
  return (
    <span className="flex items-center gap-2 text-zinc-500">
      {(['orchestrator', 'agent', 'llm', 'tool'] as const).map((type) => (
        <span key={type} className="flex items-center gap-1">
          <svg width={16} height={14} viewBox="-19 -17 38 34" aria-hidden>
            <path d={shapePath(type)} fill={STYLE[type].fill} />
          </svg>
          {STYLE[type].label}
        </span>
      ))}
    </span>
  );
}
