import { useMemo } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client';
import type { TraceSummary } from '../../api/types';
import { FilterBar } from '../../components/FilterBar';
import { PagerFooter } from '../../components/PagerFooter';
import { StatusPill } from '../../components/StatusBadge';
import { usePaged } from '../../hooks/use-paged';
import { formatCost, formatCount, formatDateTime, formatDuration } from '../../lib/format';
import { apiParamsOf } from '../../state/filters';
import { useFilters } from '../../state/use-filters';

const PAGE_SIZE = 100;

/** /traces — one row per trace, newest first, with the shared filters and cursor paging. */
export default function TracesView() {
  const [filters, setFilters] = useFilters();
  // Computed once per filter change: a time range becomes a `from` relative to now.
  const params = useMemo(() => apiParamsOf(filters), [filters]);
  const page = usePaged<TraceSummary>(JSON.stringify(params), (cursor, signal) =>
    api.traces({ ...params, limit: PAGE_SIZE, cursor }, signal).then((r) => ({ items: r.traces, nextCursor: r.nextCursor })),
  );
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h1 className="mr-2 text-sm font-semibold">Traces</h1>
        <FilterBar fields={['service', 'kind', 'status', 'q', 'minMs', 'range']} />
        {filters.sessionId ? (
          <button type="button" className="rounded bg-indigo-100 px-2 py-0.5 text-xs text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200" onClick={() => setFilters({ sessionId: undefined })}>
            session {filters.sessionId} ×
          </button>
        ) : null}
        <button type="button" onClick={page.reload} className="ml-auto rounded px-2 py-1 text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800">
          Refresh
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <table className="w-full text-xs" data-testid="traces-table">
          <thead className="sticky top-0 bg-zinc-50 text-left text-[11px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-900">
            <tr>
              <th className="px-3 py-1.5 font-medium">Status</th>
              <th className="px-3 py-1.5 font-medium">Started</th>
              <th className="px-3 py-1.5 font-medium">Name</th>
              <th className="px-3 py-1.5 font-medium">Service</th>
              <th className="px-3 py-1.5 text-right font-medium">Spans</th>
              <th className="px-3 py-1.5 text-right font-medium">Errors</th>
              <th className="px-3 py-1.5 text-right font-medium">Tokens · cost</th>
              <th className="px-3 py-1.5 text-right font-medium">Duration</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((trace) => (
              <tr key={trace.traceId} className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900" data-testid="trace-row" data-trace-id={trace.traceId}>
                <td className="px-3 py-1.5">
                  <StatusPill status={trace.status === 'error' ? 'error' : trace.durationMs === null ? 'running' : trace.status === 'ok' ? 'ok' : 'unset'} />
                </td>
                <td className="whitespace-nowrap px-3 py-1.5 font-mono text-zinc-500">{formatDateTime(trace.startTime)}</td>
                <td className="max-w-md truncate px-3 py-1.5 font-mono font-medium">
                  <Link href={`/traces/${trace.traceId}`} className="hover:underline">
                    {trace.name}
                  </Link>
                </td>
                <td className="px-3 py-1.5 text-zinc-600 dark:text-zinc-400">{trace.service}</td>
                <td className="px-3 py-1.5 text-right font-mono">{trace.spanCount.toLocaleString()}</td>
                <td className={`px-3 py-1.5 text-right font-mono ${trace.errorCount ? 'text-red-600 dark:text-red-400' : 'text-zinc-400'}`}>{trace.errorCount}</td>
                <td className="px-3 py-1.5 text-right font-mono text-zinc-500" title={formatCost(trace.usage).title}>
                  {trace.usage.inputTokens + trace.usage.outputTokens > 0
                    ? `${formatCount(trace.usage.inputTokens + trace.usage.outputTokens)} · ${formatCost(trace.usage).text}`
                    : '—'}
                </td>
                <td className="px-3 py-1.5 text-right font-mono">{trace.durationMs === null ? 'running' : formatDuration(trace.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <PagerFooter count={page.items.length} loading={page.loading} error={page.error} hasMore={page.hasMore} onMore={page.loadMore} noun="traces" />
      </div>
    </div>
  );
}
