import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { takePrefetchedOutline } from '../api/prefetch';
import type { TraceOutline, TraceSpan } from '../api/types';
import { LiveClient } from '../live/live-client';

/** Live changes to an open trace are folded in at most this often (a rebuild is O(n)). */
const LIVE_MERGE_MS = 400;

export interface TraceState {
  spans: TraceSpan[] | undefined;
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
    (takePrefetchedOutline(traceId) ?? api.traceOutline(traceId, abort.signal)).then(
      (outline) => {
        const spans = spansOf(outline);
        if (abort.signal.aborted) return;
        const loadMs = performance.now() - started;
        setState({ spans, error: undefined, loadMs });
        const byId = new Map<string, TraceSpan>(spans.map((s) => [s.spanId, s]));
        let after = 0;
        for (const span of spans) if (span.seq > after) after = span.seq;
        let dirty = false;
        client = new LiveClient({ filter: { traceId }, after });
        client.listen({
          spans: (batch) => {
            for (const span of batch) {
              const known = byId.get(span.spanId);
              if (!known || known.seq < span.seq || (known.seq === span.seq && known.partial)) {
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

/** Spans from an outline: everything but payloads, marked partial until fetched in full. */
export function spansOf(outline: TraceOutline): TraceSpan[] {
  const { traceId, services, names } = outline;
  return outline.spans.map(([spanId, parentSpanId, service, name, kind, startTime, endTime, status, seq]) => ({
    traceId,
    spanId,
    parentSpanId,
    service: services[service]!,
    name: names[name]!,
    kind,
    startTime,
    endTime,
    durationMs: endTime === null ? null : endTime - startTime,
    status,
    sessionId: null,
    seq,
    partial: true,
  }));
}
