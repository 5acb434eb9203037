import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { Span } from '../../api/types';
import { spansOf } from '../../hooks/use-trace';
import { LiveClient } from '../../live/live-client';

/** Live changes to an open run are folded in at most this often (tabs recompute over all spans). */
const LIVE_MERGE_MS = 300;

export interface AgentRunState {
  spans: Span[] | undefined;
  /** False while only the outline (no payloads) is loaded: enough for the graph, not the tabs. */
  complete: boolean;
  error: string | undefined;
  /** Milliseconds from the request to the parsed response. */
  loadMs: number | undefined;
}

/**
 * Every span of a run with its payloads (the tabs read prompts, tool inputs and results), kept
 * current by a live subscription for the trace that resumes after the newest change loaded.
 */
export function useAgentRun(traceId: string): AgentRunState {
  const [state, setState] = useState<AgentRunState>({ spans: undefined, complete: false, error: undefined, loadMs: undefined });

  useEffect(() => {
    const abort = new AbortController();
    let client: LiveClient | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = performance.now();
    setState({ spans: undefined, complete: false, error: undefined, loadMs: undefined });
    // The outline (no payloads, a third of the bytes) first, so the graph shows sooner; then the
    // spans with payloads for the tabs.
    api
      .traceOutline(traceId, abort.signal)
      .then((outline) => {
        if (abort.signal.aborted) return;
        setState({ spans: spansOf(outline), complete: false, error: undefined, loadMs: performance.now() - started });
        return api.trace(traceId, abort.signal);
      })
      .then(
      (full) => {
        if (abort.signal.aborted || !full) return;
        const { spans } = full;
        setState((s) => ({ spans, complete: true, error: undefined, loadMs: s.loadMs }));
        const byId = new Map(spans.map((s) => [s.spanId, s]));
        let after = 0;
        for (const span of spans) if (span.seq > after) after = span.seq;
        // The tabs show payloads as they change (a prompt, a tool result): this one trace's
        // subscription asks for whole spans.
        client = new LiveClient({ filter: { traceId }, after, payloads: true });
        client.listen({
          spans: (batch) => {
            let dirty = false;
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
                setState((s) => ({ ...s, spans: [...byId.values()].sort((a, b) => a.startTime - b.startTime) }));
              }, LIVE_MERGE_MS);
            }
          },
        });
        client.connect();
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        const message = e instanceof ApiError && e.code === 'TRACE_NOT_FOUND' ? 'No run with this id is stored.' : String((e as Error).message);
        setState({ spans: undefined, complete: false, error: message, loadMs: undefined });
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
