import { memo } from 'react';
import type { TraceSpan } from '../../api/types';
import { displayStatusOf, StatusDot } from '../../components/StatusBadge';
import { formatClock, formatDuration, previewValue } from '../../lib/format';

export interface FeedRowProps {
  span: TraceSpan;
  selected: boolean;
  top: number;
  height: number;
  onSelect(spanId: string): void;
}

/** One call in the live feed. Re-renders only when its span object changes (a new state). */
export const FeedRow = memo(function FeedRow({ span, selected, top, height, onSelect }: FeedRowProps) {
  const status = displayStatusOf(span);
  return (
    <div
      role="row"
      aria-selected={selected}
      data-testid="feed-row"
      data-span-id={span.spanId}
      data-status={status}
      onClick={() => onSelect(span.spanId)}
      style={{ transform: `translateY(${top}px)`, height, contain: 'strict' }}
      className={`absolute left-0 right-0 flex cursor-pointer items-center gap-3 border-b border-zinc-100 px-3 text-xs dark:border-zinc-900 ${
        selected ? 'bg-indigo-50 dark:bg-indigo-950/50' : status === 'error' ? 'bg-red-50/50 hover:bg-red-50 dark:bg-red-950/20 dark:hover:bg-red-950/40' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'
      }`}
    >
      <span className="w-20 shrink-0 font-mono text-zinc-500" role="cell">
        {formatClock(span.startTime)}
      </span>
      <span className="flex w-16 shrink-0 items-center gap-1.5" role="cell">
        <StatusDot status={status} />
        <span className={status === 'error' ? 'text-red-700 dark:text-red-400' : status === 'running' ? 'text-sky-700 dark:text-sky-400' : 'text-zinc-500'}>
          {status === 'unset' ? 'ended' : status}
        </span>
      </span>
      <span className="min-w-0 flex-1 truncate font-mono font-medium" role="cell" data-testid="feed-name" title={span.name}>
        {span.name}
        <span className="ml-3 font-normal text-zinc-400">{span.error ? `${span.error.type}: ${previewValue(span.error.message, 80)}` : previewValue(span.inputPreview ?? span.input, 80)}</span>
      </span>
      <span className="hidden w-32 shrink-0 truncate text-zinc-600 @lg:block dark:text-zinc-400" role="cell" title={span.service}>
        {span.service}
      </span>
      <span className="hidden w-14 shrink-0 font-mono text-[11px] text-zinc-500 @2xl:block" role="cell">
        {span.kind}
      </span>
      <span className="w-20 shrink-0 text-right font-mono text-zinc-600 dark:text-zinc-400" role="cell" data-testid="feed-duration">
        {status === 'running' ? '…' : formatDuration(span.durationMs)}
      </span>
    </div>
  );
});
