import type { Span } from '@runtime-hub/protocol';
import { useEffect } from 'react';
import { FrameBatcher } from '../../live/frame-batcher';
import { LiveClient } from '../../live/live-client';
import { applyRunSpans } from '../../studio/run-state';
import { useStudio } from '../../studio/store';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Streams the statuses of the run shown on the canvas from the live channel: one subscription
 * filtered by the run's session (its id), spans folded into node states once per frame. When the
 * run finishes, its stored steps (inputs, outputs, attempts) are loaded once.
 */
export function useLiveRun(runId: string | null): void {
  useEffect(() => {
    if (!runId) return;
    let loaded = false;
    const batcher = new FrameBatcher<Span>((spans) => {
      const state = useStudio.getState();
      if (state.run?.runId !== runId) return;
      const next = applyRunSpans(state.run, spans);
      if (next !== state.run) state.setRun(next);
      if (!loaded && FINISHED.has(next.status)) {
        loaded = true;
        void state.loadRunDetail(runId).catch(() => undefined);
      }
    });
    const client = new LiveClient({ filter: { sessionId: runId } });
    client.listen({ spans: (spans) => batcher.push(spans) });
    client.connect();
    return () => {
      batcher.clear();
      client.close();
    };
  }, [runId]);
}
