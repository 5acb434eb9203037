/**
 * Which workflow calls which, as a small left-to-right graph: callers in earlier columns. Names
 * are SVG text (React escapes them), so a hostile workflow name stays text.
 */
export function CallGraph({ workflows, edges }: { workflows: { id: string; name: string; visibility: string }[]; edges: { from: string; to: string }[] }) {
  const involved = workflows.filter((w) => edges.some((e) => e.from === w.id || e.to === w.id));
  const missing = [...new Set(edges.map((e) => e.to))].filter((id) => !workflows.some((w) => w.id === id));
  const nodes = [...involved, ...missing.map((id) => ({ id, name: `${id} (missing)`, visibility: 'missing' }))];
  if (nodes.length === 0) return <p className="text-sm text-zinc-500">No workflow calls another one.</p>;
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const e of edges) if ((depth.get(e.from) ?? 0) + 1 > (depth.get(e.to) ?? 0) && pass < nodes.length - 1) depth.set(e.to, (depth.get(e.from) ?? 0) + 1);
  }
  const rows = new Map<number, number>();
  const place = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const col = depth.get(n.id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    place.set(n.id, { x: 10 + col * 200, y: 10 + row * 50 });
  }
  const width = Math.max(...[...place.values()].map((p) => p.x)) + 180;
  const height = Math.max(...[...place.values()].map((p) => p.y)) + 40;
  return (
    <svg role="img" aria-label="Call graph" width={width} height={height} className="max-w-full text-xs" data-testid="call-graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="fill-zinc-400" />
        </marker>
      </defs>
      {edges.map((e) => {
        const a = place.get(e.from)!;
        const b = place.get(e.to)!;
        return <line key={`${e.from}->${e.to}`} x1={a.x + 160} y1={a.y + 14} x2={b.x} y2={b.y + 14} className="stroke-zinc-400" markerEnd="url(#arrow)" />;
      })}
      {nodes.map((n) => {
        const p = place.get(n.id)!;
        return (
          <g key={n.id} transform={`translate(${p.x},${p.y})`} data-testid="call-node">
            <rect width="160" height="28" rx="4" className={n.visibility === 'public' ? 'fill-indigo-50 stroke-indigo-400 dark:fill-indigo-950' : n.visibility === 'missing' ? 'fill-red-50 stroke-red-400' : 'fill-zinc-50 stroke-zinc-400 dark:fill-zinc-900'} />
            <text x="8" y="18" className="fill-current">
              {n.name.length > 24 ? `${n.name.slice(0, 23)}…` : n.name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
