import { diffLines } from 'diff';
import { Fragment, useMemo, useState } from 'react';
import type { Span } from '../../api/types';
import { type FileChange, filesOf } from '../../agents/run-stats';

/** Claude Code's files: read, edited and written, from the tool inputs; an Edit shows as a diff. */
export function FilesTab({ spans, onSelect }: { spans: Span[]; onSelect(id: string): void }) {
  const files = useMemo(() => filesOf(spans), [spans]);
  const [open, setOpen] = useState<string | null>(null);
  if (files.length === 0) return <p className="p-6 text-sm text-zinc-500">No Read, Edit or Write calls in this run.</p>;
  return (
    <div className="p-4">
      <table className="w-full text-xs" data-testid="files-table">
        <thead className="text-left text-[11px] uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="px-2 py-1 font-medium">File</th>
            <th className="px-2 py-1 text-right font-medium">Read</th>
            <th className="px-2 py-1 text-right font-medium">Edited</th>
            <th className="px-2 py-1 text-right font-medium">Written</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <Fragment key={f.path}>
              <tr key={f.path} className="cursor-pointer border-t border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900" data-testid="file-row" onClick={() => setOpen(open === f.path ? null : f.path)}>
                <td className="break-all px-2 py-1.5 font-mono" data-testid="file-path">
                  {f.path}
                </td>
                <td className="px-2 py-1.5 text-right font-mono">{f.reads}</td>
                <td className="px-2 py-1.5 text-right font-mono">{f.edits}</td>
                <td className="px-2 py-1.5 text-right font-mono">{f.writes}</td>
              </tr>
              {open === f.path ? (
                <tr key={`${f.path}-changes`}>
                  <td colSpan={4} className="bg-zinc-50 p-2 dark:bg-zinc-900/50">
                    {f.changes.map((c) => (
                      <Change key={c.span.spanId} change={c} onSelect={onSelect} />
                    ))}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Change({ change, onSelect }: { change: FileChange; onSelect(id: string): void }) {
  return (
    <div className="mb-2 rounded border border-zinc-200 bg-white p-2 dark:border-zinc-800 dark:bg-zinc-950" data-testid="file-change" data-action={change.action}>
      <button type="button" className="mb-1 font-mono text-xs hover:underline" onClick={() => onSelect(change.span.spanId)}>
        {change.span.name} · {change.action}
        {change.span.status === 'error' ? ' (failed)' : ''}
      </button>
      {change.edits?.map((e, i) => <Diff key={i} oldText={e.oldText} newText={e.newText} />)}
      {change.content !== undefined ? <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-words bg-emerald-50 p-1 font-mono text-xs dark:bg-emerald-950/40">{change.content}</pre> : null}
    </div>
  );
}

/** Old and new text line by line (the `diff` library); every line is React text. */
function Diff({ oldText, newText }: { oldText: string; newText: string }) {
  const parts = useMemo(() => diffLines(oldText, newText), [oldText, newText]);
  return (
    <pre className="max-h-80 overflow-auto font-mono text-xs" data-testid="file-diff">
      {parts.map((part, i) =>
        part.value
          .replace(/\n$/, '')
          .split('\n')
          .map((line, j) => (
            <div
              key={`${i}-${j}`}
              data-diff={part.added ? 'added' : part.removed ? 'removed' : 'same'}
              className={part.added ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200' : part.removed ? 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200' : 'text-zinc-500'}
            >
              {part.added ? '+ ' : part.removed ? '- ' : '  '}
              {line}
            </div>
          )),
      )}
    </pre>
  );
}
