import { select } from 'd3-selection';
import { linkHorizontal } from 'd3-shape';
import { zoom, zoomIdentity, type ZoomBehavior } from 'd3-zoom';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../../lib/format';
import { pathTo, type FlowGraph as Graph } from '../../lib/flow-graph';

const NODE_W = 190;
const NODE_H = 46;
const COL = 290;
const ROW = 78;
const PAD = 40;

const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>()
  .source((d) => d.source)
  .target((d) => d.target);

function position(node: { layer: number; row: number }): [number, number] {
  return [PAD + node.layer * COL, PAD + node.row * ROW];
}

/**
 * The execution flow of a trace: functions as nodes, calls as edges labelled with their count and
 * total time. d3-zoom pans and zooms; hovering a node highlights its path from the root; clicking
 * one selects it (its calls are listed beside the graph).
 */
export function FlowGraph({ graph, selected, onSelect }: { graph: Graph; selected: number | null; onSelect(id: number | null): void }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const layerRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  /** Set once the user zooms or pans: then resizing the view no longer refits the graph. */
  const userMoved = useRef(false);
  const [hover, setHover] = useState<number | null>(null);
  const highlighted = useMemo(() => (hover === null ? null : pathTo(graph, hover)), [graph, hover]);

  const width = PAD * 2 + (graph.layers - 1) * COL + NODE_W;
  const height = PAD * 2 + (graph.maxRows - 1) * ROW + NODE_H;

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const behavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.1, 4])
      .on('zoom', (event: { transform: { toString(): string }; sourceEvent: unknown }) => {
        if (event.sourceEvent) userMoved.current = true;
        layerRef.current?.setAttribute('transform', event.transform.toString());
      });
    zoomRef.current = behavior;
    const selection = select(svg);
    selection.call(behavior).on('dblclick.zoom', null);
    return () => {
      selection.on('.zoom', null);
    };
  }, []);

  const fit = () => {
    const svg = svgRef.current;
    const behavior = zoomRef.current;
    if (!svg || !behavior) return;
    const box = svg.getBoundingClientRect();
    const scale = Math.min(1.2, Math.max(0.1, Math.min(box.width / width, box.height / height)));
    const x = (box.width - width * scale) / 2;
    const y = Math.max(0, (box.height - height * scale) / 2);
    select(svg).call(behavior.transform, zoomIdentity.translate(x, y).scale(scale));
  };
  // Fit once per graph shape (not on every live update), and when the view changes size.
  useEffect(fit, [graph.layers, graph.maxRows]);
  const fitRef = useRef(fit);
  fitRef.current = fit;
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const observer = new ResizeObserver(() => {
      if (!userMoved.current) fitRef.current();
    });
    observer.observe(svg);
    return () => observer.disconnect();
  }, []);

  const onPath = (id: number) => highlighted === null || highlighted.has(id);
  return (
    <div className="relative min-h-0 flex-1" data-testid="flow-graph">
      <div className="absolute right-2 top-2 z-10 flex gap-1 text-xs">
        <button type="button" onClick={fit} className="rounded border border-zinc-300 bg-white px-2 py-0.5 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800">
          Fit
        </button>
      </div>
      {graph.hiddenNodes > 0 ? (
        <div className="absolute left-2 top-2 z-10 rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {graph.hiddenNodes} functions with the least time are hidden
        </div>
      ) : null}
      <svg ref={svgRef} className="h-full w-full cursor-grab select-none active:cursor-grabbing" role="img" aria-label="Flow graph of the trace" onClick={() => onSelect(null)}>
        <defs>
          <marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-zinc-400" />
          </marker>
        </defs>
        <g ref={layerRef}>
          {graph.edges.map((edge) => {
            const from = graph.nodes[edge.from]!;
            const to = graph.nodes[edge.to]!;
            const [x1, y1] = position(from);
            const [x2, y2] = position(to);
            const forward = to.layer > from.layer;
            const d = forward
              ? link({ source: [x1 + NODE_W, y1 + NODE_H / 2], target: [x2, y2 + NODE_H / 2] })!
              : // A call back to a shallower or the same column (recursion): an arc below the nodes.
                `M${x1 + NODE_W / 2},${y1 + NODE_H} C${x1 + NODE_W / 2},${y1 + NODE_H + 60} ${x2 + NODE_W / 2},${y2 + NODE_H + 60} ${x2 + NODE_W / 2},${y2 + NODE_H}`;
            const lit = highlighted !== null && highlighted.has(edge.from) && highlighted.has(edge.to) && to.via === edge.from;
            const mx = forward ? x2 - 44 : (x1 + x2) / 2 + NODE_W / 2;
            const my = forward ? y2 + NODE_H / 2 - 6 : Math.max(y1, y2) + NODE_H + 48;
            return (
              <g key={`${edge.from}-${edge.to}`} data-testid="flow-edge" data-from={from.name} data-to={to.name} data-calls={edge.calls} opacity={highlighted && !lit ? 0.25 : 1}>
                <path d={d} fill="none" markerEnd="url(#flow-arrow)" className={lit ? 'stroke-indigo-500' : 'stroke-zinc-400 dark:stroke-zinc-600'} strokeWidth={Math.min(6, 1 + Math.log2(edge.calls))} />
                <text x={mx} y={my} textAnchor="middle" strokeWidth={4} className="fill-zinc-600 stroke-white text-[10px] [paint-order:stroke] dark:fill-zinc-400 dark:stroke-zinc-950">
                  ×{edge.calls} · {formatDuration(edge.totalMs)}
                </text>
              </g>
            );
          })}
          {graph.nodes.map((node) => {
            const [x, y] = position(node);
            const isSelected = selected === node.id;
            return (
              <g
                key={node.id}
                transform={`translate(${x},${y})`}
                className="cursor-pointer"
                data-testid="flow-node"
                data-name={node.name}
                data-calls={node.calls}
                opacity={onPath(node.id) ? 1 : 0.35}
                onMouseEnter={() => setHover(node.id)}
                onMouseLeave={() => setHover(null)}
                onClick={(e) => {
                  e.stopPropagation();
                  onSelect(isSelected ? null : node.id);
                }}
              >
                <title>{`${node.service} · ${node.name}\n${node.calls} calls, ${formatDuration(node.totalMs)} total${node.errors ? `, ${node.errors} errors` : ''}`}</title>
                <rect
                  width={NODE_W}
                  height={NODE_H}
                  rx={6}
                  className={`${node.errors > 0 ? 'stroke-red-500' : isSelected || (highlighted?.has(node.id) ?? false) ? 'stroke-indigo-500' : 'stroke-zinc-300 dark:stroke-zinc-700'} fill-white dark:fill-zinc-900`}
                  strokeWidth={isSelected ? 2.5 : 1.5}
                />
                <text x={10} y={19} className="fill-zinc-900 font-mono text-[12px] font-semibold dark:fill-zinc-100">
                  {node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name}
                </text>
                <text x={10} y={36} className="fill-zinc-500 text-[10px]">
                  {node.calls} call{node.calls === 1 ? '' : 's'} · {formatDuration(node.totalMs)}
                  {node.errors > 0 ? ` · ${node.errors} err` : ''}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
