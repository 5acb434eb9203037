import { useMemo, useState } from 'react';
import { timelineOf } from '../../agents/run-stats';
import { AnnotationMarks } from '../../components/AnnotationMarks';
import { JsonViewer } from '../../components/JsonViewer';
import { KindTag } from '../../components/StatusBadge';
import { formatDuration } from '../../lib/format';
import type { RunTabProps } from './run-tabs';

const PAGE = 500;

/**
 * Every start, event and end of the run in time order; open one for its full JSON. During
 * playback the list grows as the run did, and any event can be jumped to (those still to come are
 * listed, greyed, on request).
 */
export function TimelineTab({ spans, marks, playback }: RunTabProps) {
  const [upcoming, setUpcoming] = useState(false);
  const source = playback ? playback.allSpans : spans;
  const all = useMemo(() => timelineOf(source), [source]);
  const entries = playback && !upcoming ? all.filter((e) => e.time <= playback.at) : all;
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<number | null>(null);
  const t0 = all[0]?.time ?? 0;
  return (
    <div className="p-4 text-xs" data-testid="timeline">
      {playback ? (
        <label className="mb-2 flex items-center gap-1 text-zinc-500">
          <input type="checkbox" checked={upcoming} onChange={(e) => setUpcoming(e.target.checked)} data-testid="timeline-upcoming" /> list the events still to come
        </label>
      ) : null}
      <ol>
        {entries.slice(0, shown).map((e, i) => {
          const future = playback !== undefined && e.time > playback.at;
          return (
            <li
              key={i}
              className={`border-b border-zinc-100 dark:border-zinc-900 ${future ? 'opacity-40' : ''}`}
              data-testid="timeline-entry"
              data-what={e.what}
              data-future={future || undefined}
            >
              <div className="flex items-center">
                <button type="button" className="flex min-w-0 flex-1 items-center gap-2 px-1 py-1 text-left hover:bg-zinc-50 dark:hover:bg-zinc-900" onClick={() => setOpen(open === i ? null : i)}>
                  <span className="w-16 shrink-0 text-right font-mono text-zinc-500">+{formatDuration(e.time - t0)}</span>
                  <span className={`w-12 shrink-0 font-mono ${e.what === 'end' && e.span.status === 'error' ? 'text-red-600' : 'text-zinc-500'}`}>{e.what}</span>
                  <KindTag kind={e.span.kind} />
                  <span className="truncate font-mono">{e.name}</span>
                  {e.what === 'event' ? <span className="truncate text-zinc-500">in {e.span.name}</span> : null}
                  {e.what === 'start' ? <AnnotationMarks marks={marks.get(e.span.spanId)} /> : null}
                </button>
                {playback ? (
                  <button type="button" className="shrink-0 px-2 text-indigo-600 hover:underline" onClick={() => playback.jumpTo(e.time)} data-testid="jump-to-event">
                    jump
                  </button>
                ) : null}
              </div>
              {open === i ? (
                <div className="p-2">
                  <JsonViewer value={e.data} name={e.what === 'event' ? 'event' : 'span'} defaultDepth={2} testId="timeline-json" />
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {entries.length > shown ? (
        <button type="button" className="mt-2 rounded border border-zinc-300 px-3 py-1 dark:border-zinc-700" onClick={() => setShown((n) => n + PAGE)}>
          Show more ({(entries.length - shown).toLocaleString()} left)
        </button>
      ) : null}
    </div>
  );
}
