import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Annotation } from '../api/types';
import { formatDateTime } from '../lib/format';
import { announceAnnotationsChanged } from './AnnotationMarks';

/**
 * A span's bookmark and notes (issue 11): toggle the bookmark, read, add and delete notes. Notes
 * are written by people but shown as text only, never as HTML, like every payload in the UI.
 */
export function SpanAnnotations({ spanId }: { spanId: string }) {
  const [annotations, setAnnotations] = useState<Annotation[] | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [text, setText] = useState('');
  const [label, setLabel] = useState('');
  const [score, setScore] = useState('');

  const reload = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const { annotations: list } = await api.annotations(spanId, signal);
        setAnnotations(list);
      } catch (error) {
        if (!signal?.aborted) setProblem((error as Error).message);
      }
    },
    [spanId],
  );

  useEffect(() => {
    const controller = new AbortController();
    setAnnotations(undefined);
    setProblem(undefined);
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  const act = async (change: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await change();
      await reload();
      announceAnnotationsChanged();
      return true;
    } catch (error) {
      setProblem((error as Error).message);
      return false;
    }
  };

  const bookmark = annotations?.find((a) => a.kind === 'bookmark');
  const notes = annotations?.filter((a) => a.kind === 'note') ?? [];

  const toggleBookmark = () => act(() => (bookmark ? api.deleteAnnotation(bookmark.id) : api.addAnnotation(spanId, { kind: 'bookmark' })));

  const addNote = async (event: FormEvent) => {
    event.preventDefault();
    const note: Parameters<typeof api.addAnnotation>[1] = { kind: 'note', text };
    if (label.trim()) note.label = label.trim();
    if (score.trim()) note.score = Number(score);
    if (await act(() => api.addAnnotation(spanId, note))) {
      setText('');
      setLabel('');
      setScore('');
    }
  };

  const input = 'rounded border border-zinc-300 bg-transparent px-2 py-1 text-xs dark:border-zinc-700';
  return (
    <section data-testid="span-annotations">
      <div className="mb-1 flex items-center gap-2">
        <h3 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Notes{notes.length ? ` (${notes.length})` : ''}</h3>
        <button
          type="button"
          onClick={() => void toggleBookmark()}
          disabled={annotations === undefined}
          aria-pressed={bookmark !== undefined}
          data-testid="bookmark-toggle"
          className="ml-auto rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          {bookmark ? '★ Bookmarked' : '☆ Bookmark'}
        </button>
      </div>
      {problem ? (
        <p role="alert" className="mb-1 text-xs text-red-600">
          {problem}
        </p>
      ) : null}
      {notes.length > 0 ? (
        <ul className="mb-2 space-y-1" data-testid="notes">
          {notes.map((note) => (
            <li key={note.id} className="rounded border border-zinc-100 px-2 py-1 text-xs dark:border-zinc-800" data-testid="note">
              <div className="flex items-center gap-2 text-zinc-500">
                {note.label ? <span className="font-medium text-zinc-700 dark:text-zinc-300" data-testid="note-label">{note.label}</span> : null}
                {note.score !== undefined ? <span data-testid="note-score">score {note.score}</span> : null}
                <span>{formatDateTime(note.createdAt)}</span>
                <button type="button" onClick={() => void act(() => api.deleteAnnotation(note.id))} className="ml-auto hover:text-red-600" aria-label="Delete note">
                  Delete
                </button>
              </div>
              <p className="whitespace-pre-wrap break-words" data-testid="note-text">
                {note.text}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={(event) => void addNote(event)} className="flex flex-wrap gap-1" aria-label="Add a note">
        <textarea value={text} onChange={(e) => setText(e.target.value)} placeholder="Add a note…" maxLength={10240} rows={2} required className={`${input} w-full`} aria-label="Note text" />
        <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Label" maxLength={100} className={`${input} min-w-0 flex-1`} aria-label="Note label" />
        <input value={score} onChange={(e) => setScore(e.target.value)} placeholder="Score" type="number" step="any" className={`${input} w-20`} aria-label="Note score" />
        <button type="submit" className="rounded bg-indigo-600 px-2 py-1 text-xs text-white hover:bg-indigo-700 disabled:opacity-50" disabled={!text.trim()}>
          Add note
        </button>
      </form>
    </section>
  );
}
