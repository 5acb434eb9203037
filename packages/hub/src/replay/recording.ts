import { HubError, type Span } from '@runtime-hub/protocol';
import type { SpanStore } from '../store/store.js';
import { ancestorsOf, phaseOf, placesOf, type Phase } from './places.js';

/** Span attributes the SDKs write (docs/replay.md); one list so the hub, CLI and web agree. */
export const REPLAY_ATTRIBUTES = {
  inputHash: 'runtime_hub.replay.input_hash',
  result: 'runtime_hub.replay.result',
  error: 'runtime_hub.replay.error',
  skipped: 'runtime_hub.replay.skipped',
  of: 'runtime_hub.replay.of',
  fromSpan: 'runtime_hub.replay.from_span',
} as const;

/** Spans the hub adds to a trace itself (playground runs): not calls of the program. */
const HUB_MADE = 'playground.original_span_id';

export interface RecordedCall {
  place: string;
  spanId: string;
  name: string;
  kind: string;
  status: string;
  phase: Phase;
  inputHash?: string;
  /** The encoded return value (tagged JSON, docs/replay.md), when the SDK kept one. */
  result?: unknown;
  /** The encoded exception of a call that raised. */
  error?: unknown;
  /** Why the call cannot be replayed. */
  skipped?: string;
}

export interface Recording {
  version: 1;
  traceId: string;
  fromSpan: string;
  service: string;
  checkpoint: { place: string; spanId: string; name: string; kind: string; input: unknown };
  calls: RecordedCall[];
}

/** The recording a replay from `fromSpan` needs: the calls before it, its ancestors and itself. */
export async function loadRecording(store: SpanStore, traceId: string, fromSpan: string): Promise<Recording> {
  const trace = await store.getTrace(traceId);
  if (trace.length === 0) throw new HubError('TRACE_NOT_FOUND', `no trace with id ${traceId}`);
  return buildRecording(trace, traceId, fromSpan);
}

export function buildRecording(trace: readonly Span[], traceId: string, fromSpan: string): Recording {
  const checkpoint = trace.find((s) => s.spanId === fromSpan);
  if (!checkpoint) throw new HubError('SPAN_NOT_FOUND', `from: span ${fromSpan} is not in trace ${traceId}`, { traceId, spanId: fromSpan });
  // One program's calls: the checkpoint's service, without the spans the hub added itself.
  const calls = trace.filter((s) => s.service === checkpoint.service && s.attributes?.[HUB_MADE] === undefined);
  const places = placesOf(calls);
  const byId = new Map(calls.map((s) => [s.spanId, s]));
  const ancestors = ancestorsOf(checkpoint, byId);
  const recorded: RecordedCall[] = [];
  for (const span of calls) {
    const phase = phaseOf(span, checkpoint, ancestors);
    if (phase === undefined) continue;
    recorded.push(recordedCall(span, places.get(span.spanId)!, phase));
  }
  return {
    version: 1,
    traceId,
    fromSpan,
    service: checkpoint.service,
    checkpoint: { place: places.get(checkpoint.spanId)!, spanId: checkpoint.spanId, name: checkpoint.name, kind: checkpoint.kind, input: checkpoint.input ?? null },
    calls: recorded,
  };
}

function recordedCall(span: Span, place: string, phase: Phase): RecordedCall {
  const attributes = span.attributes ?? {};
  const call: RecordedCall = { place, spanId: span.spanId, name: span.name, kind: span.kind, status: span.status, phase };
  const hash = attributes[REPLAY_ATTRIBUTES.inputHash];
  if (typeof hash === 'string') call.inputHash = hash;
  if (phase !== 'before') return call;
  const encoded = attributes[span.status === 'error' ? REPLAY_ATTRIBUTES.error : REPLAY_ATTRIBUTES.result];
  const skipped = attributes[REPLAY_ATTRIBUTES.skipped];
  if (typeof encoded === 'string') {
    try {
      call[span.status === 'error' ? 'error' : 'result'] = JSON.parse(encoded) as unknown;
    } catch {
      call.skipped = 'the recorded encoding is not JSON';
    }
  } else {
    call.skipped = typeof skipped === 'string' ? skipped : 'not recorded as replayable';
  }
  return call;
}
