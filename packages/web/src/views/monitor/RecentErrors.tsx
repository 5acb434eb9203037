import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client';
import type { ErrorGroup } from '../../api/types';
import { formatAgo } from '../../lib/format';
import { useFeed } from '../../state/feed-store';
import { useFilters } from '../../state/use-filters';

const POLL_MS = 5000;
const SHOWN = 5;

/** The error log of the monitor: the most recent error groups of the filtered apps. */
export function RecentErrors() {
  const [filters] = useFilters();
  const [groups, setGroups] = useState<ErrorGroup[]>([]);
  // Not before the feed has its history: that is what the first seconds are for.
  const ready = useFeed((s) => s.ready);
  useEffect(() => {
    if (!ready) return;
    let abort = new AbortController();
    const load = () => {
      abort.abort();
      abort = new AbortController();
      const signal = abort.signal;
      api.errors({ service: filters.service, limit: SHOWN }, signal).then(
        (r) => !signal.aborted && setGroups(r.groups),
        () => undefined,
      );
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [filters.service, ready]);

  const carry = filters.service ? `service=${encodeURIComponent(filters.service)}&` : '';
  return (
    <section aria-label="Recent errors" className="border-t border-zinc-200 dark:border-zinc-800" data-testid="recent-errors">
      <h2 className="flex items-center justify-between px-3 py-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
        Recent errors
        <Link href={`/errors${carry ? `?${carry.slice(0, -1)}` : ''}`} className="font-normal normal-case text-indigo-600 hover:underline dark:text-indigo-400">
          all
        </Link>
      </h2>
      {groups.length === 0 ? <p className="px-3 pb-3 text-xs text-zinc-500">None.</p> : null}
      <ul className="px-2 pb-2">
        {groups.map((g) => (
          <li key={g.id}>
            <Link href={`/errors?${carry}group=${g.id}`} className="block rounded px-2 py-1 hover:bg-zinc-50 dark:hover:bg-zinc-900">
              <div className="flex items-baseline gap-2 text-xs">
                <span className="truncate font-mono font-semibold text-red-700 dark:text-red-400">{g.type}</span>
                <span className="ml-auto shrink-0 font-mono">{g.count.toLocaleString()}</span>
              </div>
              <div className="truncate text-[11px] text-zinc-500">
                {g.message} · {formatAgo(g.lastSeen)}
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
