import { useCallback, useEffect, useRef, useState } from 'react';

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: string | undefined;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
}

/**
 * Cursor paging over a list endpoint: `fetchPage(cursor)` returns items and the next cursor.
 * Changing `key` (the query) starts over; a response for an older key is dropped.
 */
export function usePaged<T>(key: string, fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<{ items: T[]; nextCursor: string | null }>): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [generation, setGeneration] = useState(0);
  const abort = useRef<AbortController | undefined>(undefined);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((from: string | undefined, replace: boolean) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setLoading(true);
    fetchRef.current(from, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems((old) => (replace ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(String((e as Error).message));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    load(undefined, true);
    return () => abort.current?.abort();
  }, [key, generation, load]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => {
      if (cursor !== null && !loading) load(cursor, false);
    },
    reload: () => setGeneration((g) => g + 1),
  };
}
