import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Span } from '../../api/types';
import { analyticsOf, toolStats } from '../../agents/run-stats';
import { formatCost, formatCount, formatUsd } from '../../lib/format';

/** Session analytics: tokens and cost over time and per model, tool usage, errors, tokens per tool call. */
export function AnalyticsTab({ spans }: { spans: Span[] }) {
  const a = useMemo(() => analyticsOf(spans), [spans]);
  const tools = useMemo(() => toolStats(spans), [spans]);
  const cost = formatCost(a.totals);
  return (
    <div className="flex flex-col gap-4 p-4 text-xs" data-testid="analytics">
      <div className="flex flex-wrap gap-3">
        <Stat label="LLM calls" value={String(a.totals.llmCalls)} />
        <Stat label="Tool calls" value={String(a.totals.toolCalls)} />
        <Stat label="Tokens in / out" value={`${formatCount(a.totals.inputTokens)} / ${formatCount(a.totals.outputTokens)}`} />
        <Stat label="Cost" value={cost.text} title={cost.title} />
        <Stat label="Errors" value={String(a.totals.errors)} />
        <Stat label="Tokens per tool call" value={a.tokensPerToolCall === null ? '—' : formatCount(Math.round(a.tokensPerToolCall))} testId="tokens-per-tool" />
      </div>
      <section>
        <h3 className="mb-1 font-semibold">Tokens and cost over time</h3>
        {a.series.time.length > 0 ? <Chart series={a.series} /> : <p className="text-zinc-500">No LLM calls yet.</p>}
      </section>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <section>
          <h3 className="mb-1 font-semibold">Per model</h3>
          <table className="w-full" data-testid="per-model">
            <thead className="text-left text-[11px] uppercase text-zinc-500">
              <tr>
                <th className="py-1">Model</th>
                <th className="py-1 text-right">Calls</th>
                <th className="py-1 text-right">In</th>
                <th className="py-1 text-right">Out</th>
                <th className="py-1 text-right">Cost</th>
              </tr>
            </thead>
            <tbody>
              {a.perModel.map((m) => (
                <tr key={m.model} className="border-t border-zinc-100 dark:border-zinc-900">
                  <td className="py-1 font-mono">{m.model}</td>
                  <td className="py-1 text-right font-mono">{m.calls}</td>
                  <td className="py-1 text-right font-mono">{formatCount(m.inputTokens)}</td>
                  <td className="py-1 text-right font-mono">{formatCount(m.outputTokens)}</td>
                  <td className="py-1 text-right font-mono">{m.costUsd === null ? 'no price' : formatUsd(m.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h3 className="mb-1 font-semibold">Tool usage</h3>
          {tools.map((t) => (
            <div key={t.name} className="flex items-center gap-2 py-0.5" data-testid="tool-usage">
              <span className="w-32 truncate font-mono">{t.name}</span>
              <span className="h-3 rounded bg-emerald-500" style={{ width: `${(t.count / tools[0]!.count) * 60}%` }} />
              <span className="font-mono">{t.count}</span>
              {t.failures ? <span className="text-red-600">{t.failures} failed</span> : null}
            </div>
          ))}
          <h3 className="mb-1 mt-3 font-semibold">Errors</h3>
          {a.errorsByKind.length === 0 ? <p className="text-zinc-500">None.</p> : a.errorsByKind.map((e) => <div key={e.kind}>{e.count} × {e.kind}</div>)}
        </section>
      </div>
    </div>
  );
}

function Stat({ label, value, title, testId }: { label: string; value: string; title?: string; testId?: string }) {
  return (
    <div className="rounded border border-zinc-200 px-3 py-2 dark:border-zinc-800" title={title} data-testid={testId}>
      <div className="text-[10px] uppercase tracking-wide text-zinc-500">{label}</div>
      <div className="font-mono text-sm">{value}</div>
    </div>
  );
}

/** Running totals of tokens (left axis) and cost (right axis) as LLM calls end (uPlot, canvas). */
function Chart({ series }: { series: { time: number[]; tokens: number[]; cost: number[] } }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const plot = new uPlot(
      {
        width: Math.max(300, element.clientWidth),
        height: 220,
        series: [{}, { label: 'tokens', stroke: '#0ea5e9', scale: 'tokens' }, { label: 'cost $', stroke: '#f59e0b', scale: 'usd', value: (_u, v) => (v === null ? '—' : formatUsd(v)) }],
        axes: [{}, { scale: 'tokens' }, { scale: 'usd', side: 1, grid: { show: false } }],
      },
      [series.time, series.tokens, series.cost],
      element,
    );
    return () => plot.destroy();
  }, [series]);
  return <div ref={box} data-testid="usage-chart" />;
}
