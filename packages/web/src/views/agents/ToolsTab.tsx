import { Fragment, useMemo, useState } from 'react';
import type { Span } from '../../api/types';
import { toolStats } from '../../agents/run-stats';
import { AnnotationMarks, type MarksBySpan } from '../../components/AnnotationMarks';
import { JsonViewer } from '../../components/JsonViewer';
import { StatusDot, displayStatusOf } from '../../components/StatusBadge';
import { formatDuration } from '../../lib/format';

/** Per tool: calls, failures, p50 / p95 duration; open a tool for each call's input and result. */
export function ToolsTab({ spans, onSelect, marks }: { spans: Span[]; onSelect(id: string): void; marks: MarksBySpan }) {
  const stats = useMemo(() => toolStats(spans), [spans]);
  const [open, setOpen] = useState<string | null>(null);
  if (stats.length === 0) return <p className="p-6 text-sm text-zinc-500">This run made no tool calls.</p>;
  return (
    <div className="p-4">
      <table className="w-full text-xs" data-testid="tools-table">
        <thead className="text-left text-[11px] uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="px-2 py-1 font-medium">Tool</th>
            <th className="px-2 py-1 text-right font-medium">Calls</th>
            <th className="px-2 py-1 text-right font-medium">Failures</th>
            <th className="px-2 py-1 text-right font-medium">p50</th>
            <th className="px-2 py-1 text-right font-medium">p95</th>
          </tr>
        </thead>
        <tbody>
          {stats.map((t) => (
            <Fragment key={t.name}>
              <tr key={t.name} className="cursor-pointer border-t border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900" data-testid="tool-row" data-tool={t.name} onClick={() => setOpen(open === t.name ? null : t.name)}>
                <td className="px-2 py-1.5 font-mono font-medium">{t.name}</td>
                <td className="px-2 py-1.5 text-right font-mono">{t.count}</td>
                <td className={`px-2 py-1.5 text-right font-mono ${t.failures ? 'text-red-600' : 'text-zinc-400'}`} data-testid="tool-failures">
                  {t.failures}
                </td>
                <td className="px-2 py-1.5 text-right font-mono">{formatDuration(t.p50)}</td>
                <td className="px-2 py-1.5 text-right font-mono">{formatDuration(t.p95)}</td>
              </tr>
              {open === t.name ? (
                <tr key={`${t.name}-calls`}>
                  <td colSpan={5} className="bg-zinc-50 p-2 dark:bg-zinc-900/50">
                    {t.calls.map((call) => (
                      <div key={call.spanId} className="mb-2 rounded border border-zinc-200 bg-white p-2 dark:border-zinc-800 dark:bg-zinc-950" data-testid="tool-call">
                        <div className="mb-1 flex items-center gap-2 text-xs">
                          <StatusDot status={displayStatusOf(call)} />
                          <button type="button" className="font-mono hover:underline" onClick={() => onSelect(call.spanId)}>
                            {call.name}
                          </button>
                          <AnnotationMarks marks={marks.get(call.spanId)} />
                          <span className="text-zinc-500">{call.endTime === null ? 'running' : formatDuration(call.durationMs)}</span>
                          {call.error ? <span className="text-red-600" data-testid="tool-error">{call.error.message}</span> : null}
                        </div>
                        <div className="grid grid-cols-2 gap-2">
                          <JsonViewer value={call.input} name="input" defaultDepth={2} />
                          <JsonViewer value={call.output} name="result" defaultDepth={2} />
                        </div>
                      </div>
                    ))}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
