import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { XIcon } from '../../components/icons';
import { displayStatusOf, StatusDot } from '../../components/StatusBadge';
import { formatClock, formatDuration } from '../../lib/format';
import type { FlowNode } from '../../lib/flow-graph';
import type { TraceTree } from '../../lib/trace-tree';

/** The calls of one function of the flow graph; clicking one opens its detail. */
export function NodeCalls({ tree, node, onSelect, onClose }: { tree: TraceTree; node: FlowNode; onSelect(spanId: string): void; onClose(): void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: node.spans.length, getScrollElement: () => scroller.current, estimateSize: () => 26, overscan: 10 });
  return (
    <section className="flex h-full flex-col" aria-label={`Calls of ${node.name}`} data-testid="node-calls">
      <header className="flex items-start gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <h2 className="break-all font-mono text-sm font-semibold">{node.name}</h2>
          <p className="text-xs text-zinc-500">
            {node.service} · {node.calls} calls · {formatDuration(node.totalMs)} total · {formatDuration(node.totalMs / node.calls)} average
            {node.errors ? ` · ${node.errors} errors` : ''}
          </p>
        </div>
        <button type="button" onClick={onClose} className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Close">
          <XIcon />
        </button>
      </header>
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const span = tree.spans[node.spans[item.index]!]!;
            return (
              <button
                key={span.spanId}
                type="button"
                onClick={() => onSelect(span.spanId)}
                style={{ transform: `translateY(${item.start}px)`, height: 26 }}
                className="absolute left-0 right-0 flex items-center gap-2 px-3 text-left text-xs hover:bg-zinc-50 dark:hover:bg-zinc-900"
              >
                <StatusDot status={displayStatusOf(span)} />
                <span className="font-mono text-zinc-500">{formatClock(span.startTime)}</span>
                <span className="ml-auto font-mono">{formatDuration(span.durationMs)}</span>
              </button>
            );
          })}
        </div>
      </div>
    </section>
  );
}
