import type { Span, SpanRecordInput, SpanStatus } from '@runtime-hub/protocol';

/** What anchoring needs to know about a span that is already stored (or earlier in the batch). */
export interface KnownSpan {
  name: string;
  startTime: number;
  endTime: number | null;
  status: SpanStatus;
  parentSpanId: string | null;
}

export function knownFromSpan(span: Span): KnownSpan {
  return { name: span.name, startTime: span.startTime, endTime: span.endTime, status: span.status, parentSpanId: span.parentSpanId };
}

/**
 * Makes a hook record agree with what is already known of its span, so that events may arrive in
 * any order and more than once (spooled, retried, async hooks) and still build the same span:
 *
 * - the span starts at the earliest start seen (an end record only knows when it ended);
 * - the first record's name and parent stay (PostToolUse cannot know the turn PreToolUse saw),
 *   unless the record's parent is certain (`relinked`: a subagent named by its Task call's result);
 * - a start record that arrives after its end record completes the span instead of reopening it
 *   (the store never lets a start overwrite an end, so the start time would otherwise be lost).
 */
export function anchorRecord(record: SpanRecordInput, known: KnownSpan | undefined, relinked = false): SpanRecordInput {
  if (!known) return record;
  const out: SpanRecordInput = { ...record, name: known.name, startTime: Math.min(record.startTime, known.startTime) };
  if (known.parentSpanId !== null && !relinked) out.parentSpanId = known.parentSpanId;
  const ended = record.endTime !== undefined && record.endTime !== null;
  if (!ended && known.endTime !== null) {
    out.endTime = known.endTime;
    out.status = known.status;
  }
  return out;
}

/** The state of a span after `record` (already anchored) was applied to `known`. */
export function applyKnown(record: SpanRecordInput, known: KnownSpan | undefined, relinked = false): KnownSpan {
  const ended = record.endTime !== undefined && record.endTime !== null;
  return {
    name: record.name,
    startTime: known ? Math.min(known.startTime, record.startTime) : record.startTime,
    endTime: ended ? (record.endTime as number) : (known?.endTime ?? null),
    status: ended ? (record.status ?? 'unset') : (known?.status ?? 'unset'),
    parentSpanId: (relinked ? record.parentSpanId : known?.parentSpanId) ?? record.parentSpanId ?? known?.parentSpanId ?? null,
  };
}
