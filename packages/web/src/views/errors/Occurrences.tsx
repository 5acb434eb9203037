import { api } from '../../api/client';
import type { Span } from '../../api/types';
import { PagerFooter } from '../../components/PagerFooter';
import { usePaged } from '../../hooks/use-paged';
import { formatDateTime, formatDuration } from '../../lib/format';

/** The failed calls of one error group, newest first. */
export function Occurrences({ groupId, onSelect }: { groupId: string; onSelect(spanId: string): void }) {
  const page = usePaged<Span>(groupId, (cursor, signal) =>
    api.spans({ errorGroup: groupId, limit: 50, cursor }, signal).then((r) => ({ items: r.spans, nextCursor: r.nextCursor })),
  );
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="occurrences">
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-900">
        {page.items.map((span) => (
          <li key={span.spanId}>
            <button type="button" onClick={() => onSelect(span.spanId)} className="flex w-full items-center gap-3 px-4 py-1.5 text-left text-xs hover:bg-zinc-50 dark:hover:bg-zinc-900" data-testid="occurrence">
              <span className="font-mono text-zinc-500">{formatDateTime(span.startTime)}</span>
              <span className="truncate font-mono">{span.name}</span>
              <span className="text-zinc-500">{span.service}</span>
              <span className="ml-auto font-mono">{formatDuration(span.durationMs)}</span>
            </button>
          </li>
        ))}
      </ul>
      <PagerFooter count={page.items.length} loading={page.loading} error={page.error} hasMore={page.hasMore} onMore={page.loadMore} noun="occurrences" />
    </div>
  );
}
