import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Span } from '../api/types';
import { LiveClient } from '../live/live-client';

/** Live changes to an open trace are folded in at most this often (a rebuild is O(n)). */
const LIVE_MERGE_MS = 400;

export interface TraceState {
  spans: Span[] | undefined;
  error: string | undefined;
  /** Milliseconds from the request to the parsed response. */
  loadMs: number | undefined;
}

/**
 * All spans of a trace, kept current: after loading it, a live subscription for the trace resumes
 * after the newest change the response contained, so no change is missed or applied twice.
 */
export function useTrace(traceId: string): TraceState {
  const [state, setState] = useState<TraceState>({ spans: undefined, error: undefined, loadMs: undefined });

  useEffect(() => {
    const abort = new AbortController();
    let client: LiveClient | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = performance.now();
    setState({ spans: undefined, error: undefined, loadMs: undefined });
    api.trace(traceId, abort.signal).then(
      ({ spans }) => {
        if (abort.signal.aborted) return;
        const loadMs = performance.now() - started;
        setState({ spans, error: undefined, loadMs });
        const byId = new Map(spans.map((s) => [s.spanId, s]));
        let after = 0;
        for (const span of spans) if (span.seq > after) after = span.seq;
        let dirty = false;
        client = new LiveClient({ filter: { traceId }, after });
        client.listen({
          spans: (batch) => {
            for (const span of batch) {
              const known = byId.get(span.spanId);
              if (!known || known.seq < span.seq) {
                byId.set(span.spanId, span);
                dirty = true;
              }
            }
            if (dirty && !timer) {
              timer = setTimeout(() => {
                timer = undefined;
                dirty = false;
                const next = [...byId.values()].sort((a, b) => a.startTime - b.startTime);
                setState((s) => ({ ...s, spans: next }));
              }, LIVE_MERGE_MS);
            }
          },
        });
        client.connect();
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        const message = e instanceof ApiError && e.code === 'TRACE_NOT_FOUND' ? 'No trace with this id is stored.' : String((e as Error).message);
        setState({ spans: undefined, error: message, loadMs: undefined });
      },
    );
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
      client?.close();
    };
  }, [traceId]);

  return state;
}
