import { useCallback, useEffect } from 'react';
import { FilterBar } from '../../components/FilterBar';
import { hubLive } from '../../live/hub-live';
import { useFilters, useSearchParam } from '../../state/use-filters';
import { AppsPanel } from './AppsPanel';
import { LiveFeed } from './LiveFeed';
import { SpanPanel } from './SpanPanel';

/** Monitor: connected apps, the live feed, and the detail of the selected call. */
export function MonitorView() {
  const [filters] = useFilters();
  const [selected, setSelected] = useSearchParam('span');
  const select = useCallback((id: string | null) => setSelected(id), [setSelected]);

  useEffect(() => hubLive.setFilters(filters), [filters]);

  return (
    <div className="flex min-h-0 flex-1">
      <AppsPanel />
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <FilterBar />
        </div>
        <LiveFeed selected={selected} onSelect={select} />
      </div>
      {selected ? (
        <aside className="w-[40%] min-w-96 max-w-3xl shrink-0 border-l border-zinc-200 dark:border-zinc-800">
          <SpanPanel key={selected} spanId={selected} onSelect={(id) => setSelected(id, { push: true })} onClose={() => select(null)} />
        </aside>
      ) : null}
    </div>
  );
}
