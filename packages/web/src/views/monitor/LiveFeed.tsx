import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useLocation } from 'wouter';
import { isTyping } from '../../app/shortcuts';
import { PauseIcon, PlayIcon, TrashIcon } from '../../components/icons';
import { bySlot, useRowSlots } from '../../hooks/use-row-slots';
import { useFeed } from '../../state/feed-store';
import { ROW_HEIGHT, useUi } from '../../state/ui-store';
import { FeedRow } from './FeedRow';

/**
 * The live feed: newest first, virtualized (only visible rows exist in the DOM), fed once per
 * frame. When scrolled down, new rows arriving on top do not move what you are reading.
 */
export function LiveFeed({ selected, onSelect }: { selected: string | null; onSelect(spanId: string | null): void }) {
  const model = useFeed((s) => s.model);
  const paused = useFeed((s) => s.paused);
  const newCount = useFeed((s) => s.newCount);
  const ready = useFeed((s) => s.ready);
  const density = useUi((s) => s.density);
  const rowHeight = ROW_HEIGHT[density];
  const [, navigate] = useLocation();
  const scroller = useRef<HTMLDivElement>(null);
  const previousHead = useRef<string | undefined>(undefined);
  // Kept from scroll events: reading scrollTop after a commit would force a layout every frame.
  const scrollTop = useRef(0);

  const virtualizer = useVirtualizer({
    count: model.order.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });

  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => (scrollTop.current = el.scrollTop);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  // Keep the rows being read in place when new ones are prepended above them.
  useLayoutEffect(() => {
    const el = scroller.current;
    const head = previousHead.current;
    previousHead.current = model.order[0];
    if (!el || !head || scrollTop.current === 0 || model.order[0] === head) return;
    const shift = model.order.indexOf(head);
    if (shift > 0) {
      scrollTop.current += shift * rowHeight;
      el.scrollTop = scrollTop.current;
    }
  }, [model, rowHeight]);

  useEffect(() => {
    if (ready) requestAnimationFrame(() => performance.mark('rh:feed-ready'));
  }, [ready]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector('dialog[open]')) return;
      const { order, byId } = useFeed.getState().model;
      const at = selected ? order.indexOf(selected) : -1;
      if (e.key === 'j' || e.key === 'k') {
        const next = e.key === 'j' ? Math.min(order.length - 1, at + 1) : Math.max(0, at - 1);
        if (order[next]) {
          onSelect(order[next]!);
          virtualizer.scrollToIndex(next, { align: 'auto' });
        }
      } else if (e.key === 'Enter' && selected) {
        const span = byId.get(selected);
        if (span) navigate(`/traces/${span.traceId}?span=${span.spanId}`);
      } else if (e.key === 'Escape' && selected) {
        onSelect(null);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, onSelect, navigate, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const slot = useRowSlots(items.map((item) => item.index));
  return (
    <section aria-label="Live feed" className="@container flex min-h-0 min-w-0 flex-1 flex-col" data-testid="live-feed" data-ready={ready}>
      <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-1.5 text-xs dark:border-zinc-800">
        <h2 className="font-semibold uppercase tracking-wide text-zinc-500">Live feed</h2>
        <span className="text-zinc-500" data-testid="feed-count">
          {model.order.length.toLocaleString()} shown
        </span>
        <button
          type="button"
          data-testid="pause-button"
          onClick={() => useFeed.getState().togglePaused()}
          className={`ml-auto flex items-center gap-1 rounded px-2 py-1 ${paused ? 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
          title={paused ? 'Resume live (P)' : 'Pause live (P)'}
        >
          {paused ? <PlayIcon width={12} height={12} /> : <PauseIcon width={12} height={12} />}
          {paused ? 'Resume' : 'Pause'}
          {paused && newCount > 0 ? (
            <span className="rounded-full bg-amber-500 px-1.5 font-semibold text-white" data-testid="new-count">
              {newCount.toLocaleString()} new
            </span>
          ) : null}
        </button>
        <button type="button" onClick={() => useFeed.getState().clear()} className="flex items-center gap-1 rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800" title="Clear view (C)">
          <TrashIcon width={12} height={12} />
          Clear
        </button>
      </div>
      <div ref={scroller} className="relative min-h-0 flex-1 overflow-y-auto" role="grid" aria-rowcount={model.order.length} data-testid="feed-scroller">
        {model.order.length === 0 ? (
          <p className="p-6 text-center text-sm text-zinc-500">{ready ? 'Waiting for calls… they appear here the moment they start.' : 'Connecting…'}</p>
        ) : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {bySlot(items, slot).map((item) => {
            const id = model.order[item.index]!;
            const span = model.byId.get(id);
            if (!span) return null;
            // Keyed by position (recycled): at thousands of spans per second every visible row
            // shows a new span each frame, and refilling a row is far cheaper than replacing it.
            return <FeedRow key={slot(item.index)} span={span} selected={id === selected} top={item.start} height={rowHeight} onSelect={onSelect} />;
          })}
        </div>
      </div>
    </section>
  );
}
