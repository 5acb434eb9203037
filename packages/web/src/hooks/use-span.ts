import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Span, TraceSpan } from '../api/types';
import { newerSpan } from '../lib/newer-span';
import { useFeed } from '../state/feed-store';

export interface SpanState {
  span: Span | undefined;
  error: string | undefined;
}

const newer = (a: TraceSpan | undefined, b: TraceSpan | undefined) => newerSpan(a, b);

/**
 * A span by id: its state from the live feed when it is there (updates in place as it ends),
 * its payloads from the API — the feed carries summaries, so each newer state the feed shows is
 * fetched whole; a running span that the feed does not carry is polled until it ends.
 */
export function useSpan(spanId: string | null, known?: TraceSpan): SpanState {
  const live = useFeed((s) => (spanId ? s.model.byId.get(spanId) : undefined));
  const [fetched, setFetched] = useState<Span | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const current = newer(newer(known?.spanId === spanId ? known : undefined, fetched?.spanId === spanId ? fetched : undefined), live);
  // A live summary newer than what was fetched: fetch that state whole.
  const liveSeq = (live as TraceSpan | undefined)?.partial ? live!.seq : undefined;

  useEffect(() => {
    setError(undefined);
    if (!spanId) return;
    const abort = new AbortController();
    api.span(spanId, abort.signal).then(
      ({ span }) => setFetched(span),
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setError(e instanceof ApiError && e.code === 'SPAN_NOT_FOUND' ? 'This call is not stored (it may have been pruned).' : String((e as Error).message));
      },
    );
    return () => abort.abort();
  }, [spanId, tick, liveSeq]);

  const pollRunning = current !== undefined && current.endTime === null && live === undefined;
  useEffect(() => {
    if (!pollRunning) return;
    const timer = setInterval(() => setTick((t) => t + 1), 2000);
    return () => clearInterval(timer);
  }, [pollRunning]);

  return { span: current, error: current ? undefined : error };
}

export interface Family {
  parent: Span | null | undefined;
  children: Span[] | undefined;
  /** More children exist than were fetched. */
  truncated: boolean;
}

const CHILDREN_LIMIT = 1000;

/** Parent and children of a span, from the query API. */
export function useFamily(span: Span | undefined): Family {
  const [family, setFamily] = useState<Family>({ parent: undefined, children: undefined, truncated: false });
  const spanId = span?.spanId;
  const parentId = span?.parentSpanId ?? null;
  const traceId = span?.traceId;
  const seq = span?.seq;
  useEffect(() => {
    if (!spanId || !traceId) return;
    const abort = new AbortController();
    const parent = parentId ? api.span(parentId, abort.signal).then((r) => r.span, () => null) : Promise.resolve(null);
    const children = api.spans({ traceId, limit: CHILDREN_LIMIT }, abort.signal).then(
      (page) => ({ spans: page.spans.filter((s) => s.parentSpanId === spanId).reverse(), truncated: page.nextCursor !== null }),
      () => ({ spans: [] as Span[], truncated: false }),
    );
    void Promise.all([parent, children]).then(([p, c]) => {
      if (!abort.signal.aborted) setFamily({ parent: p, children: c.spans, truncated: c.truncated });
    });
    return () => abort.abort();
  }, [spanId, parentId, traceId, seq]);
  return family;
}
