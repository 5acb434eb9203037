import { useMemo } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client';
import type { SessionSummary } from '../../api/types';
import { FilterBar } from '../../components/FilterBar';
import { PagerFooter } from '../../components/PagerFooter';
import { usePaged } from '../../hooks/use-paged';
import { formatAgo, formatCost, formatCount, formatDateTime, formatDuration } from '../../lib/format';
import { apiParamsOf } from '../../state/filters';
import { useFilters } from '../../state/use-filters';

/** /sessions — traces grouped by session, most recently active first. */
export default function SessionsView() {
  const [filters] = useFilters();
  const params = useMemo(() => ({ service: filters.service, q: filters.q, from: apiParamsOf(filters).from }), [filters]);
  const page = usePaged<SessionSummary>(JSON.stringify(params), (cursor, signal) =>
    api.sessions({ ...params, limit: 100, cursor }, signal).then((r) => ({ items: r.sessions, nextCursor: r.nextCursor })),
  );
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h1 className="text-sm font-semibold">Sessions</h1>
        <FilterBar fields={['service', 'q', 'range']} />
        <button type="button" onClick={page.reload} className="ml-auto rounded px-2 py-1 text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800">
          Refresh
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <table className="w-full text-xs" data-testid="sessions-table">
          <thead className="sticky top-0 bg-zinc-50 text-left text-[11px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-900">
            <tr>
              <th className="px-3 py-1.5 font-medium">Session</th>
              <th className="px-3 py-1.5 font-medium">Apps</th>
              <th className="px-3 py-1.5 text-right font-medium">Traces</th>
              <th className="px-3 py-1.5 text-right font-medium">Errors</th>
              <th className="px-3 py-1.5 text-right font-medium">Tokens · cost</th>
              <th className="px-3 py-1.5 font-medium">First seen</th>
              <th className="px-3 py-1.5 text-right font-medium">Span</th>
              <th className="px-3 py-1.5 text-right font-medium">Last active</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((s) => (
              <tr key={s.sessionId} className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900" data-testid="session-row">
                <td className="max-w-xs truncate px-3 py-1.5 font-mono font-medium">
                  <Link href={`/traces?sessionId=${encodeURIComponent(s.sessionId)}`} className="hover:underline">
                    {s.sessionId}
                  </Link>
                </td>
                <td className="px-3 py-1.5 text-zinc-600 dark:text-zinc-400">{s.services.join(', ')}</td>
                <td className="px-3 py-1.5 text-right font-mono">{s.traceCount.toLocaleString()}</td>
                <td className={`px-3 py-1.5 text-right font-mono ${s.errorCount ? 'text-red-600 dark:text-red-400' : 'text-zinc-400'}`}>{s.errorCount}</td>
                <td className="px-3 py-1.5 text-right font-mono text-zinc-500" title={formatCost(s.usage).title}>
                  {s.usage.inputTokens + s.usage.outputTokens > 0 ? `${formatCount(s.usage.inputTokens + s.usage.outputTokens)} · ${formatCost(s.usage).text}` : '—'}
                </td>
                <td className="whitespace-nowrap px-3 py-1.5 font-mono text-zinc-500">{formatDateTime(s.firstSeen)}</td>
                <td className="px-3 py-1.5 text-right font-mono">{formatDuration(s.lastSeen - s.firstSeen)}</td>
                <td className="px-3 py-1.5 text-right text-zinc-500">{formatAgo(s.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <PagerFooter count={page.items.length} loading={page.loading} error={page.error} hasMore={page.hasMore} onMore={page.loadMore} noun="sessions" />
      </div>
    </div>
  );
}
