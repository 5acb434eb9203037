import { useState } from 'react';
import { Link } from 'wouter';
import { PagerFooter } from '../../components/PagerFooter';
import { usePaged } from '../../hooks/use-paged';
import { formatDateTime, formatDuration } from '../../lib/format';
import { studioApi, type RunSummary } from '../../studio/api';

const STATUS_TONE: Record<string, string> = {
  succeeded: 'text-emerald-700 dark:text-emerald-400',
  failed: 'text-red-600',
  running: 'text-sky-600',
  waiting: 'text-indigo-600',
  queued: 'text-zinc-500',
  cancelled: 'text-zinc-500',
};

/** Runs of one workflow, newest first, filtered by status, cursor-paged. */
export default function RunsView({ project, workflow }: { project: string; workflow: string }) {
  const [status, setStatus] = useState('');
  const paged = usePaged<RunSummary>(`${project}/${workflow}/${status}`, async (cursor) => {
    const page = await studioApi.runs(project, workflow, { status, cursor, limit: 50 });
    return { items: page.runs, nextCursor: page.nextCursor };
  });
  return (
    <div className="min-h-0 flex-1 overflow-auto p-4">
      <div className="mb-3 flex items-center gap-3">
        <Link href={`/workflows/${project}/${workflow}`} className="text-xs text-indigo-600 hover:underline dark:text-indigo-300">
          ← editor
        </Link>
        <h1 className="text-lg font-semibold">Runs of {workflow}</h1>
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)} className="ml-auto rounded border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900">
          <option value="">all statuses</option>
          {['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <table className="w-full text-sm" aria-label="Runs">
        <thead className="text-left text-xs text-zinc-500">
          <tr>
            <th className="py-1">Run</th>
            <th>Status</th>
            <th>Trigger</th>
            <th>Version</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {paged.items.map((r) => (
            <tr key={r.id} className="border-t border-zinc-200 dark:border-zinc-800">
              <td className="py-1.5 font-mono text-xs">
                <Link href={`/workflows/${project}/${workflow}/runs/${r.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {r.id.slice(0, 12)}
                </Link>
                {r.rerunOf ? <span className="ml-1 text-zinc-400">re-run</span> : null}
              </td>
              <td className={STATUS_TONE[r.status]}>{r.status}</td>
              <td>{r.trigger}</td>
              <td>v{r.version}</td>
              <td>{formatDateTime(r.startedAt ?? r.createdAt)}</td>
              <td>{formatDuration(r.durationMs)}</td>
              <td className="max-w-xs truncate text-xs text-red-600">{r.error ? `${r.error.code}: ${r.error.message}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagerFooter count={paged.items.length} loading={paged.loading} error={paged.error} hasMore={paged.hasMore} onMore={paged.loadMore} noun="runs" />
    </div>
  );
}
