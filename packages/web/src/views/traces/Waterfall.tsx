import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { Annotation, Span } from '../../api/types';
import { AnnotationMarks, type MarksBySpan } from '../../components/AnnotationMarks';
import { bySlot, useRowSlots } from '../../hooks/use-row-slots';
import { displayStatusOf, StatusDot } from '../../components/StatusBadge';
import { formatDuration } from '../../lib/format';
import type { FlatRows, TraceTree } from '../../lib/trace-tree';
import { ROW_HEIGHT, useUi } from '../../state/ui-store';

const BAR_COLOR = { running: 'bg-sky-400', ok: 'bg-indigo-500', error: 'bg-red-500', unset: 'bg-zinc-400' } as const;
const INDENT = 14;
const MAX_INDENT_DEPTH = 40;

export interface WaterfallProps {
  tree: TraceTree;
  rows: FlatRows;
  collapsed: ReadonlySet<string>;
  selected: string | null;
  /** Set once to scroll a deep-linked span into view. */
  scrollTo: string | null;
  onSelect(spanId: string): void;
  onToggle(spanId: string): void;
  /** Bookmarks and notes by span id, marked on their rows. */
  marks?: MarksBySpan;
}

/** The indented call tree with duration bars on one time axis; virtualized, so 100,000 rows scroll. */
export function Waterfall({ tree, rows, collapsed, selected, scrollTo, onSelect, onToggle, marks }: WaterfallProps) {
  const density = useUi((s) => s.density);
  const rowHeight = ROW_HEIGHT[density] - 4;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 20 });
  const total = Math.max(tree.end - tree.start, 0.001);

  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  useEffect(() => {
    if (!scrollTo) return;
    const index = tree.indexOf.get(scrollTo);
    if (index === undefined) return;
    for (let r = 0; r < rows.length; r++) {
      if (rows.index[r] === index) {
        virtualizer.scrollToIndex(r, { align: 'center' });
        break;
      }
    }
    // Only when the deep link changes, not on every live update.
  }, [scrollTo]);

  const items = virtualizer.getVirtualItems();
  const slot = useRowSlots(items.map((item) => item.index));
  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="waterfall">
      <div className="flex border-b border-zinc-200 text-[11px] text-zinc-500 dark:border-zinc-800">
        <div className="w-[38%] shrink-0 px-3 py-1">Call</div>
        <div className="relative flex-1 py-1">
          {[0, 0.25, 0.5, 0.75].map((f) => (
            <span key={f} className="absolute" style={{ left: `${f * 100}%` }}>
              {f === 0 ? '0' : formatDuration(total * f)}
            </span>
          ))}
          <span className="absolute right-2">{formatDuration(total)}</span>
        </div>
      </div>
      <div ref={scroller} className="relative min-h-0 flex-1 overflow-y-auto" role="tree" aria-label="Call tree" data-testid="waterfall-scroller">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {bySlot(items, slot).map((item) => {
            const index = rows.index[item.index]!;
            const span = tree.spans[index]!;
            return (
              <WaterfallRow
                // Recycled: scrolling refills row elements instead of replacing them.
                key={slot(item.index)}
                span={span}
                depth={rows.depth[item.index]!}
                childCount={tree.childCount[index]!}
                collapsed={collapsed.has(span.spanId)}
                selected={selected === span.spanId}
                top={item.start}
                height={rowHeight}
                left={(span.startTime - tree.start) / total}
                width={((span.endTime ?? tree.end) - span.startTime) / total}
                onSelect={onSelect}
                onToggle={onToggle}
                marks={marks?.get(span.spanId)}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  span: Span;
  depth: number;
  childCount: number;
  collapsed: boolean;
  selected: boolean;
  top: number;
  height: number;
  left: number;
  width: number;
  onSelect(spanId: string): void;
  onToggle(spanId: string): void;
  marks: Annotation[] | undefined;
}

const WaterfallRow = memo(function WaterfallRow({ span, depth, childCount, collapsed, selected, top, height, left, width, onSelect, onToggle, marks }: RowProps) {
  const status = displayStatusOf(span);
  return (
    <div
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={childCount > 0 ? !collapsed : undefined}
      aria-selected={selected}
      data-testid="waterfall-row"
      data-span-id={span.spanId}
      data-depth={depth}
      onClick={() => onSelect(span.spanId)}
      style={{ transform: `translateY(${top}px)`, height, contain: 'strict' }}
      className={`absolute left-0 right-0 flex cursor-pointer items-center text-xs ${selected ? 'bg-indigo-50 dark:bg-indigo-950/50' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'}`}
    >
      <div className="flex w-[38%] shrink-0 items-center gap-1 overflow-hidden pr-2" style={{ paddingLeft: 8 + Math.min(depth, MAX_INDENT_DEPTH) * INDENT }}>
        {childCount > 0 ? (
          <button
            type="button"
            className="w-4 shrink-0 text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
            aria-label={collapsed ? `Expand ${childCount} children` : 'Collapse'}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(span.spanId);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="w-4 shrink-0" />
        )}
        <StatusDot status={status} />
        <span className="truncate font-mono" title={span.name}>
          {span.name}
        </span>
        <AnnotationMarks marks={marks} />
        {collapsed ? <span className="shrink-0 rounded bg-zinc-200 px-1 text-[10px] dark:bg-zinc-800">+{childCount}</span> : null}
        <span className="ml-auto shrink-0 pl-2 text-[10px] text-zinc-400">{span.service}</span>
      </div>
      <div className="relative h-full flex-1 border-l border-zinc-100 dark:border-zinc-800">
        <div
          className={`absolute top-1/2 h-3.5 -translate-y-1/2 rounded-sm ${BAR_COLOR[status]}`}
          style={{ left: `${left * 100}%`, width: `max(2px, ${width * 100}%)` }}
        />
        <span
          className={`absolute top-1/2 -translate-y-1/2 whitespace-nowrap px-1 font-mono text-[10px] ${width > 0.2 ? 'text-white' : 'text-zinc-500'}`}
          style={width > 0.2 ? { left: `${left * 100}%` } : left + width > 0.85 ? { right: `${(1 - left) * 100}%` } : { left: `${(left + width) * 100}%` }}
        >
          {status === 'running' ? 'running' : formatDuration(span.durationMs)}
        </span>
      </div>
    </div>
  );
});
