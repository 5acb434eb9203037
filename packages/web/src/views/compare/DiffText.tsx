import { useMemo } from 'react';
import { textDiff } from './compare-model';

/** Longer texts are not diffed word by word (the diff is quadratic in the worst case): shown side by side. */
const MAX_DIFF_CHARS = 20_000;

/**
 * Run A's text against run B's, word by word: removed words struck through in red, added ones in
 * green. Text only: payloads never become markup.
 */
export function DiffText({ title, before, after, testId }: { title: string; before: string; after: string; testId: string }) {
  const tooLong = before.length + after.length > MAX_DIFF_CHARS;
  const pieces = useMemo(() => (tooLong ? null : textDiff(before, after)), [before, after, tooLong]);
  const same = before === after;
  return (
    <div data-testid={testId} data-same={same || undefined}>
      <div className="mb-0.5 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">
        {title}
        {same ? <span className="ml-2 font-normal normal-case text-zinc-400">same in both</span> : null}
      </div>
      {pieces ? (
        <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded border border-zinc-200 bg-white p-2 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-950">
          {before === '' && after === '' ? <span className="text-zinc-400">(none)</span> : null}
          {pieces.map((p, i) =>
            p.change === 'same' ? (
              <span key={i}>{p.text}</span>
            ) : p.change === 'removed' ? (
              <del key={i} className="bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300" data-testid="diff-removed">
                {p.text}
              </del>
            ) : (
              <ins key={i} className="bg-emerald-100 text-emerald-800 no-underline dark:bg-emerald-950 dark:text-emerald-300" data-testid="diff-added">
                {p.text}
              </ins>
            ),
          )}
        </pre>
      ) : (
        <div className="grid grid-cols-2 gap-2">
          {[before, after].map((text, i) => (
            <pre key={i} className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded border border-zinc-200 p-2 font-mono text-xs dark:border-zinc-800">
              {text}
            </pre>
          ))}
        </div>
      )}
    </div>
  );
}
