import { useMemo, useState } from 'react';
import type { Span } from '../../api/types';
import { timelineOf } from '../../agents/run-stats';
import { JsonViewer } from '../../components/JsonViewer';
import { KindTag } from '../../components/StatusBadge';
import { formatDuration } from '../../lib/format';

const PAGE = 500;

/** Every start, event and end of the run in time order; open one for its full JSON. */
export function TimelineTab({ spans }: { spans: Span[] }) {
  const entries = useMemo(() => timelineOf(spans), [spans]);
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<number | null>(null);
  const t0 = entries[0]?.time ?? 0;
  return (
    <div className="p-4 text-xs" data-testid="timeline">
      <ol>
        {entries.slice(0, shown).map((e, i) => (
          <li key={i} className="border-b border-zinc-100 dark:border-zinc-900" data-testid="timeline-entry" data-what={e.what}>
            <button type="button" className="flex w-full items-center gap-2 px-1 py-1 text-left hover:bg-zinc-50 dark:hover:bg-zinc-900" onClick={() => setOpen(open === i ? null : i)}>
              <span className="w-16 shrink-0 text-right font-mono text-zinc-500">+{formatDuration(e.time - t0)}</span>
              <span className={`w-12 shrink-0 font-mono ${e.what === 'end' && e.span.status === 'error' ? 'text-red-600' : 'text-zinc-500'}`}>{e.what}</span>
              <KindTag kind={e.span.kind} />
              <span className="truncate font-mono">{e.name}</span>
              {e.what === 'event' ? <span className="truncate text-zinc-500">in {e.span.name}</span> : null}
            </button>
            {open === i ? (
              <div className="p-2">
                <JsonViewer value={e.data} name={e.what === 'event' ? 'event' : 'span'} defaultDepth={2} testId="timeline-json" />
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      {entries.length > shown ? (
        <button type="button" className="mt-2 rounded border border-zinc-300 px-3 py-1 dark:border-zinc-700" onClick={() => setShown((n) => n + PAGE)}>
          Show more ({(entries.length - shown).toLocaleString()} left)
        </button>
      ) : null}
    </div>
  );
}
