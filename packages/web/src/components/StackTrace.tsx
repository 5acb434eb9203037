import { useState } from 'react';
import type { SpanError, StackFrame } from '../api/types';
import { framesOf } from '../lib/stack';

type Block = { app: true; frame: StackFrame; index: number } | { app: false; frames: StackFrame[]; index: number };

/** Runs of three or more library frames fold into one line; the user's own frames stand out. */
function blocksOf(frames: StackFrame[]): Block[] {
  const blocks: Block[] = [];
  let run: StackFrame[] = [];
  const flush = (index: number) => {
    if (run.length >= 3) blocks.push({ app: false, frames: run, index });
    else run.forEach((frame, i) => blocks.push({ app: true, frame, index: index + i }));
    run = [];
  };
  frames.forEach((frame, i) => {
    if (frame.inApp === false) {
      if (run.length === 0) run = [];
      run.push(frame);
    } else {
      flush(i - run.length);
      blocks.push({ app: true, frame, index: i });
    }
  });
  flush(frames.length - run.length);
  return blocks;
}

/** An error: type, message and a readable stack, most recent call first. */
export function StackTrace({ error }: { error: SpanError }) {
  // Protocol order is innermost last; people read the failing call first.
  const frames = framesOf(error).slice().reverse();
  const [openRuns, setOpenRuns] = useState<Set<number>>(new Set());
  return (
    <div className="rounded border border-red-200 dark:border-red-900" data-testid="error-detail">
      <div className="border-b border-red-200 bg-red-50 px-3 py-2 dark:border-red-900 dark:bg-red-950/50">
        <div className="font-mono text-sm font-semibold text-red-800 dark:text-red-300" data-testid="error-type">
          {error.type}
        </div>
        <div className="whitespace-pre-wrap break-words text-sm text-red-900 dark:text-red-200" data-testid="error-message">
          {error.message}
        </div>
      </div>
      {frames.length > 0 ? (
        <ol className="divide-y divide-zinc-100 font-mono text-xs dark:divide-zinc-800" data-testid="stack-frames" aria-label="Stack, most recent call first">
          {blocksOf(frames).map((block) =>
            block.app ? (
              <FrameLine key={block.index} frame={block.frame} />
            ) : openRuns.has(block.index) ? (
              block.frames.map((frame, i) => <FrameLine key={`${block.index}-${i}`} frame={frame} />)
            ) : (
              <li key={block.index}>
                <button
                  type="button"
                  className="w-full px-3 py-1 text-left text-zinc-500 hover:bg-zinc-50 dark:hover:bg-zinc-900"
                  onClick={() => setOpenRuns(new Set(openRuns).add(block.index))}
                >
                  ▸ {block.frames.length} library frames
                </button>
              </li>
            ),
          )}
        </ol>
      ) : null}
      {error.stack ? (
        <details className="border-t border-zinc-100 px-3 py-1.5 text-xs dark:border-zinc-800">
          <summary className="cursor-pointer text-zinc-500">Raw stack</summary>
          <pre className="mt-1 overflow-x-auto whitespace-pre font-mono text-[11px] leading-4" data-testid="raw-stack">
            {error.stack}
          </pre>
        </details>
      ) : null}
    </div>
  );
}

function FrameLine({ frame }: { frame: StackFrame }) {
  const app = frame.inApp !== false;
  return (
    <li
      className={`flex flex-wrap items-baseline gap-x-2 px-3 py-1 ${app ? 'border-l-2 border-l-indigo-500 bg-indigo-50/40 dark:bg-indigo-950/30' : 'text-zinc-400 dark:text-zinc-500'}`}
      data-in-app={app}
    >
      <span className={app ? 'font-semibold text-zinc-900 dark:text-zinc-100' : ''}>{frame.function}</span>
      <span className={app ? 'text-zinc-600 dark:text-zinc-400' : ''}>
        {frame.file}
        {frame.line != null ? `:${frame.line}` : ''}
      </span>
      {frame.module ? <span className="text-zinc-400">{frame.module}</span> : null}
    </li>
  );
}
