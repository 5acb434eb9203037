import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ErrorGroup } from '../../api/types';
import { FilterBar } from '../../components/FilterBar';
import { Sparkline } from '../../components/Sparkline';
import { formatAgo, formatDateTime } from '../../lib/format';
import { TIME_RANGES } from '../../state/filters';
import { useFilters, useSearchParam } from '../../state/use-filters';
import { SpanPanel } from '../monitor/SpanPanel';
import { Occurrences } from './Occurrences';

const POLL_MS = 3000;

/** /errors — failures grouped by type, message and top frame; a group opens its occurrences. */
export default function ErrorsView() {
  const [filters] = useFilters();
  const [groupId, setGroupId] = useSearchParam('group');
  const [spanId, setSpanId] = useSearchParam('span');
  const [groups, setGroups] = useState<ErrorGroup[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let abort = new AbortController();
    const load = () => {
      abort.abort();
      abort = new AbortController();
      const signal = abort.signal;
      // 24 trend buckets over the chosen range (default: the last day).
      const span = filters.range ? TIME_RANGES[filters.range] : TIME_RANGES['24h'];
      const from = filters.range ? Date.now() - span : undefined;
      api.errors({ service: filters.service, q: filters.q, from, bucketMs: Math.max(1000, Math.round(span / 24)), limit: 200 }, signal).then(
        (r) => {
          if (signal.aborted) return;
          setGroups(r.groups);
          setError(undefined);
        },
        (e: unknown) => !signal.aborted && setError(String((e as Error).message)),
      );
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [filters.service, filters.q, filters.range]);

  const group = groups?.find((g) => g.id === groupId);
  return (
    <div className="flex min-h-0 flex-1">
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <h1 className="text-sm font-semibold">Errors</h1>
          <FilterBar fields={['service', 'q', 'range']} />
        </div>
        <ul className="min-h-0 flex-1 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-900" data-testid="error-groups">
          {groups?.length === 0 ? <li className="p-6 text-center text-sm text-zinc-500">No errors. Nice.</li> : null}
          {error ? <li className="p-3 text-xs text-red-600">{error}</li> : null}
          {groups?.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                data-testid="error-group"
                data-group-id={g.id}
                aria-pressed={g.id === groupId}
                onClick={() => {
                  setGroupId(g.id === groupId ? null : g.id, { push: true });
                }}
                className={`flex w-full items-center gap-4 px-4 py-2.5 text-left ${g.id === groupId ? 'bg-indigo-50 dark:bg-indigo-950/50' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'}`}
              >
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline gap-2">
                    <span className="font-mono text-sm font-semibold text-red-700 dark:text-red-400" data-testid="group-type">
                      {g.type}
                    </span>
                    <span className="truncate text-sm" data-testid="group-message">
                      {g.message}
                    </span>
                  </div>
                  <div className="mt-0.5 truncate font-mono text-[11px] text-zinc-500">{g.topFrame ?? 'no stack'}</div>
                  <div className="mt-0.5 text-[11px] text-zinc-500">
                    {g.services.join(', ')} · first {formatAgo(g.firstSeen)} · last {formatAgo(g.lastSeen)}
                  </div>
                </div>
                <Sparkline values={g.trend} width={96} height={24} className="text-red-500" label={`occurrences over the ${filters.range ? `last ${filters.range}` : 'last 24h'}, in ${g.trend.length} steps`} />
                <div className="w-16 text-right">
                  <div className="font-mono text-base font-semibold" data-testid="group-count">
                    {g.count.toLocaleString()}
                  </div>
                  <div className="text-[10px] text-zinc-500">events</div>
                </div>
              </button>
            </li>
          ))}
        </ul>
      </div>
      {group ? (
        <aside className="flex w-[44%] min-w-96 max-w-3xl shrink-0 flex-col border-l border-zinc-200 dark:border-zinc-800">
          {spanId ? (
            <>
              <button type="button" onClick={() => setSpanId(null)} className="border-b border-zinc-200 px-4 py-1.5 text-left text-xs text-indigo-600 hover:bg-zinc-50 dark:border-zinc-800 dark:text-indigo-400 dark:hover:bg-zinc-900">
                ← {group.count.toLocaleString()} occurrences of {group.type}
              </button>
              <div className="min-h-0 flex-1">
                <SpanPanel key={spanId} spanId={spanId} onSelect={(id) => setSpanId(id, { push: true })} />
              </div>
            </>
          ) : (
            <>
              <div className="border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
                <div className="font-mono text-sm font-semibold text-red-700 dark:text-red-400">{group.type}</div>
                <div className="whitespace-pre-wrap break-words text-sm">{group.message}</div>
                <div className="mt-1 font-mono text-[11px] text-zinc-500">{group.topFrame}</div>
                <div className="mt-1 text-[11px] text-zinc-500">
                  {group.count.toLocaleString()} events · first {formatDateTime(group.firstSeen)} · last {formatDateTime(group.lastSeen)} · {group.services.join(', ')}
                </div>
              </div>
              <Occurrences groupId={group.id} onSelect={(id) => setSpanId(id, { push: true })} />
            </>
          )}
        </aside>
      ) : null}
    </div>
  );
}
