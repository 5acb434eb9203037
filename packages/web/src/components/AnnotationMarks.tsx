import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Annotation } from '../api/types';

/** Sent on `window` after a bookmark or note was added or deleted, so every view of the span updates. */
const CHANGED = 'runtime-hub:annotations-changed';

export function announceAnnotationsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

export type MarksBySpan = ReadonlyMap<string, Annotation[]>;

const NO_MARKS: MarksBySpan = new Map();

/**
 * The bookmarks and notes of one or more traces, by span id, read again whenever one is added or
 * deleted anywhere in the page. A run holds few (people write them), so one page of 500 per trace.
 */
export function useTraceMarks(traceIds: readonly string[]): MarksBySpan {
  const [marks, setMarks] = useState<MarksBySpan>(NO_MARKS);
  const key = traceIds.join(',');
  useEffect(() => {
    let abort = new AbortController();
    const load = () => {
      abort.abort();
      abort = new AbortController();
      const signal = abort.signal;
      Promise.all(key.split(',').filter(Boolean).map((traceId) => api.listAnnotations({ traceId, limit: '500' }, signal))).then(
        (pages) => {
          if (signal.aborted) return;
          const next = new Map<string, Annotation[]>();
          for (const page of pages) for (const a of page.annotations) next.set(a.spanId, [...(next.get(a.spanId) ?? []), a]);
          setMarks(next);
        },
        () => {}, // marks are an extra: a failed read leaves the view as it is
      );
    };
    load();
    window.addEventListener(CHANGED, load);
    return () => {
      abort.abort();
      window.removeEventListener(CHANGED, load);
    };
  }, [key]);
  return marks;
}

/** A span's bookmark (★) and notes (label, score; the text on hover), as text. */
export function AnnotationMarks({ marks }: { marks: readonly Annotation[] | undefined }) {
  if (!marks || marks.length === 0) return null;
  const bookmarked = marks.some((a) => a.kind === 'bookmark');
  const notes = marks.filter((a) => a.kind === 'note');
  return (
    <span className="inline-flex items-center gap-1 text-[11px]" data-testid="annotation-marks">
      {bookmarked ? (
        <span className="text-amber-500" title="Bookmarked" data-testid="mark-bookmark">
          ★
        </span>
      ) : null}
      {notes.map((note) => (
        <span key={note.id} className="rounded bg-amber-50 px-1 text-amber-900 dark:bg-amber-950/50 dark:text-amber-200" title={note.text} data-testid="mark-note">
          {note.label ?? 'note'}
          {note.score !== undefined ? ` · ${note.score}` : ''}
        </span>
      ))}
    </span>
  );
}
