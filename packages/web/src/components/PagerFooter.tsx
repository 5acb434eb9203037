/** Under a paged list: how many are shown, "Load more" while the cursor has more, errors. */
export function PagerFooter({ count, loading, error, hasMore, onMore, noun }: { count: number; loading: boolean; error: string | undefined; hasMore: boolean; onMore(): void; noun: string }) {
  return (
    <div className="flex items-center justify-center gap-3 p-3 text-xs text-zinc-500">
      {error ? <span className="text-red-600">{error}</span> : null}
      {!loading && count === 0 && !error ? <span>No {noun} match these filters.</span> : null}
      {count > 0 ? <span>{count.toLocaleString()} {noun}</span> : null}
      {hasMore ? (
        <button type="button" disabled={loading} onClick={onMore} className="rounded border border-zinc-300 px-3 py-1 hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800" data-testid="load-more">
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : loading ? (
        <span>Loading…</span>
      ) : null}
    </div>
  );
}
