import { Link } from 'wouter';
import { StatusPill, displayStatusOf } from '../../components/StatusBadge';
import { formatCost, formatCount, formatDateTime, formatDuration, formatUsd } from '../../lib/format';
import type { RunSummary } from './compare-model';

/** The two runs' headers, totals side by side with the difference, and their tool sequences. */

export function RunCard({ side, traceId, summary }: { side: string; traceId: string; summary: RunSummary }) {
  const root = summary.root;
  return (
    <div className="rounded border border-zinc-200 p-2 dark:border-zinc-800" data-testid={`run-${side}`}>
      <div className="flex items-center gap-2">
        <span className="rounded bg-zinc-200 px-1.5 font-semibold dark:bg-zinc-800">{side}</span>
        <Link href={`/agents/${traceId}`} className="truncate font-mono text-sm font-semibold hover:underline" data-testid="run-name">
          {root?.name ?? traceId}
        </Link>
        {root ? <StatusPill status={summary.running ? 'running' : displayStatusOf(root)} /> : null}
      </div>
      <div className="mt-1 flex flex-wrap gap-x-3 text-zinc-500">
        <span>{root?.service}</span>
        {root ? <span>{formatDateTime(root.startTime)}</span> : null}
        <span className="font-mono">{traceId}</span>
      </div>
    </div>
  );
}

export function Totals({ a, b, steps }: { a: RunSummary; b: RunSummary; steps: [number, number] }) {
  const num = (x: number | null) => x ?? 0;
  const rows: { label: string; a: number | null; b: number | null; show(v: number | null, s: RunSummary): string }[] = [
    { label: 'Duration', a: a.durationMs, b: b.durationMs, show: (v) => (v === null ? 'running' : formatDuration(v)) },
    { label: 'Steps', a: steps[0], b: steps[1], show: (v) => formatCount(num(v)) },
    { label: 'LLM calls', a: a.totals.llmCalls, b: b.totals.llmCalls, show: (v) => formatCount(num(v)) },
    { label: 'Tool calls', a: a.totals.toolCalls, b: b.totals.toolCalls, show: (v) => formatCount(num(v)) },
    { label: 'Tokens in', a: a.totals.inputTokens, b: b.totals.inputTokens, show: (v) => formatCount(num(v)) },
    { label: 'Tokens out', a: a.totals.outputTokens, b: b.totals.outputTokens, show: (v) => formatCount(num(v)) },
    { label: 'Cost', a: a.totals.costUsd, b: b.totals.costUsd, show: (_v, s) => formatCost(s.totals).text },
    { label: 'Errors', a: a.totals.errors, b: b.totals.errors, show: (v) => formatCount(num(v)) },
  ];
  return (
    <table className="w-full max-w-2xl border-collapse" data-testid="compare-totals">
      <thead>
        <tr className="text-left text-[11px] uppercase tracking-wide text-zinc-500">
          <th className="py-1" />
          <th className="py-1 text-right">A</th>
          <th className="py-1 text-right">B</th>
          <th className="py-1 text-right">B − A</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const delta = r.a === null || r.b === null ? null : r.b - r.a;
          return (
            <tr key={r.label} className="border-t border-zinc-100 dark:border-zinc-900" data-testid="total-row" data-label={r.label}>
              <td className="py-1 text-zinc-600 dark:text-zinc-400">{r.label}</td>
              <td className="py-1 text-right font-mono" data-testid="total-a">{r.show(r.a, a)}</td>
              <td className="py-1 text-right font-mono" data-testid="total-b">{r.show(r.b, b)}</td>
              <td className={`py-1 text-right font-mono ${delta ? (delta > 0 ? 'text-amber-700 dark:text-amber-400' : 'text-emerald-700 dark:text-emerald-400') : 'text-zinc-400'}`} data-testid="total-delta">
                {delta === null ? '' : `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${r.label === 'Duration' ? formatDuration(Math.abs(delta)) : r.label === 'Cost' ? formatUsd(Math.abs(delta)) : formatCount(Math.abs(delta))}`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ToolSequence({ label, names, other }: { label: string; names: string[]; other: string[] }) {
  return (
    <div className="mb-1 flex flex-wrap items-center gap-1" data-testid={`tools-${label}`}>
      <span className="w-4 font-semibold text-zinc-500">{label}</span>
      {names.length === 0 ? <span className="text-zinc-400">no tool calls</span> : null}
      {names.map((name, i) => (
        <span
          key={i}
          className={`rounded px-1.5 py-0.5 font-mono ${other[i] === name ? 'bg-zinc-100 dark:bg-zinc-800' : 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200'}`}
          data-testid="tool-chip"
          data-differs={other[i] !== name || undefined}
        >
          {name}
        </span>
      ))}
    </div>
  );
}

