import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client';
import type { Annotation } from '../../api/types';
import { announceAnnotationsChanged } from '../../components/AnnotationMarks';
import { PagerFooter } from '../../components/PagerFooter';
import { usePaged } from '../../hooks/use-paged';
import { formatDateTime } from '../../lib/format';
import { useSearchParam } from '../../state/use-filters';

const INPUT = 'h-7 rounded border border-zinc-300 bg-white px-2 text-xs dark:border-zinc-700 dark:bg-zinc-900';

/**
 * /annotations — every bookmark and note, newest first: search their text and labels, filter by
 * kind or label, open the span in its run or trace. The filters live in the URL.
 */
export default function AnnotationsView() {
  const [q, setQ] = useSearchParam('q');
  const [kind, setKind] = useSearchParam('kind');
  const [label, setLabel] = useSearchParam('label');
  const [typed, setTyped] = useState(q ?? '');
  useEffect(() => setTyped(q ?? ''), [q]);
  const params = { q: q ?? undefined, kind: kind ?? undefined, label: label ?? undefined };
  const page = usePaged<Annotation>(JSON.stringify(params), (cursor, signal) =>
    api.listAnnotations({ ...params, limit: 100, cursor }, signal).then((r) => ({ items: r.annotations, nextCursor: r.nextCursor })),
  );
  const remove = async (id: number) => {
    await api.deleteAnnotation(id);
    announceAnnotationsChanged();
    page.reload();
  };
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <form
        className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(typed.trim() || null);
        }}
      >
        <h1 className="text-sm font-semibold">Bookmarks and notes</h1>
        <input className={`${INPUT} w-64`} value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Search notes and labels…" aria-label="Search notes" data-testid="annotations-search" />
        <select className={INPUT} value={kind ?? ''} onChange={(e) => setKind(e.target.value || null)} aria-label="Kind">
          <option value="">Bookmarks and notes</option>
          <option value="bookmark">Bookmarks</option>
          <option value="note">Notes</option>
        </select>
        {label ? (
          <button type="button" className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200" onClick={() => setLabel(null)} data-testid="label-filter">
            label: {label} ✕
          </button>
        ) : null}
      </form>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <ul className="divide-y divide-zinc-100 text-xs dark:divide-zinc-900" data-testid="annotations-list">
          {page.items.map((a) => (
            <li key={a.id} className="flex items-start gap-3 px-3 py-2" data-testid="annotation-row" data-kind={a.kind}>
              <span className={`w-16 shrink-0 ${a.kind === 'bookmark' ? 'text-amber-500' : 'text-zinc-500'}`}>{a.kind === 'bookmark' ? '★ bookmark' : 'note'}</span>
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  {a.label ? (
                    <button type="button" className="rounded bg-amber-50 px-1.5 text-amber-900 hover:underline dark:bg-amber-950/50 dark:text-amber-200" onClick={() => setLabel(a.label!)} data-testid="annotation-label">
                      {a.label}
                    </button>
                  ) : null}
                  {a.score !== undefined ? <span className="font-mono" data-testid="annotation-score">score {a.score}</span> : null}
                  <span className="text-zinc-500">{formatDateTime(a.createdAt)}</span>
                  <Link href={`/agents/${a.traceId}?span=${a.spanId}`} className="text-indigo-600 hover:underline" data-testid="annotation-open-run">
                    open in run
                  </Link>
                  <Link href={`/traces/${a.traceId}?span=${a.spanId}`} className="text-indigo-600 hover:underline">
                    trace
                  </Link>
                  <span className="font-mono text-zinc-400">span {a.spanId}</span>
                </div>
                {a.text ? (
                  <p className="mt-0.5 whitespace-pre-wrap break-words" data-testid="annotation-text">
                    {a.text}
                  </p>
                ) : null}
              </div>
              <button type="button" className="shrink-0 text-zinc-500 hover:text-red-600" onClick={() => void remove(a.id)} aria-label="Delete">
                Delete
              </button>
            </li>
          ))}
        </ul>
        {page.items.length === 0 && !page.loading && !page.error ? (
          <p className="p-6 text-sm text-zinc-500">
            {q || kind || label ? 'Nothing matches.' : 'No bookmarks or notes yet. Open any call and use ☆ Bookmark or Add note in its detail.'}
          </p>
        ) : null}
        <PagerFooter count={page.items.length} loading={page.loading} error={page.error} hasMore={page.hasMore} onMore={page.loadMore} noun="annotations" />
      </div>
    </div>
  );
}
