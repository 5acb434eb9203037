import type { WorkflowDefinition } from '@runtime-hub/protocol';

/** A template's graph in miniature, from its laid-out node positions (names as SVG text). */
export function GraphPreview({ workflow }: { workflow: WorkflowDefinition }) {
  const pos = new Map(workflow.nodes.map((n) => [n.id, n.position ?? { x: 0, y: 0 }]));
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const width = Math.max(...xs) + 200;
  const height = Math.max(...ys) + 60;
  return (
    <svg viewBox={`-10 -10 ${width} ${height}`} className="h-24 w-full" role="img" aria-label={`Graph of ${workflow.name}`} data-testid="graph-preview">
      {workflow.edges.map((e, i) => {
        const a = pos.get(e.source);
        const b = pos.get(e.target);
        if (!a || !b) return null;
        return <line key={i} x1={a.x + 170} y1={a.y + 20} x2={b.x} y2={b.y + 20} className="stroke-zinc-400" strokeWidth="3" />;
      })}
      {workflow.nodes.map((n) => {
        const p = pos.get(n.id)!;
        return (
          <g key={n.id} transform={`translate(${p.x},${p.y})`}>
            <rect width="170" height="40" rx="6" className={n.type === 'trigger' ? 'fill-indigo-100 stroke-indigo-400 dark:fill-indigo-950' : 'fill-white stroke-zinc-400 dark:fill-zinc-900'} strokeWidth="2" />
            <text x="10" y="26" fontSize="18" className="fill-current">{(n.name ?? n.type).slice(0, 16)}</text>
          </g>
        );
      })}
    </svg>
  );
}
