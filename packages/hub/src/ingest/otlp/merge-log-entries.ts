import { SPAN_LIMITS, type Attributes, type Span, type SpanEvent, type SpanRecordInput } from '@runtime-hub/protocol';
import { currentMessages } from './genai.js';
import type { LogEntry } from './logs-to-entries.js';
import { parseJson, toGenAiMessage } from './messages.js';

/** GenAI events of the OpenTelemetry semantic conventions 1.30 (one per message, one per choice). */
const MESSAGE_EVENT = /^gen_ai\.(system|user|assistant|tool)\.message$/;
const CHOICE_EVENT = 'gen_ai.choice';
/** The newer single event with the whole exchange (opentelemetry-util-genai, `event_only` / `span_and_event`). */
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/**
 * A stored span with the log records that belong to it, as a record to ingest again. GenAI events
 * become the span's input and output messages (the one message shape of messages.ts) when the
 * span has none of its own (with `span_and_event` it already carries them); other records are
 * added to the span's events as `{ name, time, attributes }` with the body in `log.body`.
 */
export function mergeLogEntries(span: Span, entries: LogEntry[]): SpanRecordInput {
  const sorted = [...entries].sort((a, b) => a.time - b.time);
  const input: unknown[] = [];
  const choices: { index: number; message: unknown }[] = [];
  let details: { input?: unknown; output?: unknown } | undefined;
  const events: SpanEvent[] = [...(span.events ?? [])];

  for (const entry of sorted) {
    const message = MESSAGE_EVENT.exec(entry.name);
    if (message) {
      input.push(toGenAiMessage(parseJson(entry.body) ?? {}, message[1]!));
    } else if (entry.name === CHOICE_EVENT) {
      const body = parseJson(entry.body);
      const index = typeof (body as { index?: unknown })?.index === 'number' ? (body as { index: number }).index : choices.length;
      choices.push({ index, message: toGenAiMessage(body ?? {}, 'assistant') });
    } else if (entry.name === DETAILS_EVENT) {
      const a = entry.attributes;
      details = { input: currentMessages(a['gen_ai.input.messages'], a['gen_ai.system_instructions']), output: a['gen_ai.output.messages'] === undefined ? undefined : parseJson(a['gen_ai.output.messages']) };
    } else if (events.length < SPAN_LIMITS.maxEvents) {
      const event = logEvent(entry);
      if (!events.some((e) => e.name === event.name && e.time === event.time && JSON.stringify(e.attributes) === JSON.stringify(event.attributes))) events.push(event);
    }
  }

  const record: SpanRecordInput = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    service: span.service,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    sessionId: span.sessionId,
  };
  const newInput = details?.input ?? (input.length > 0 ? input : undefined);
  const newOutput = details?.output ?? (choices.length > 0 ? choices.sort((a, b) => a.index - b.index).map((c) => c.message) : undefined);
  if (span.input !== undefined && span.input !== null) record.input = span.input;
  else if (newInput !== undefined) record.input = newInput;
  if (span.output !== undefined && span.output !== null) record.output = span.output;
  else if (newOutput !== undefined) record.output = newOutput;
  if (span.error) record.error = span.error;
  if (span.attributes) record.attributes = span.attributes;
  if (events.length > 0) record.events = events;
  return record;
}

function logEvent(entry: LogEntry): SpanEvent {
  const attributes: Attributes = { ...entry.attributes };
  if (entry.severity !== undefined) attributes['log.severity'] = entry.severity;
  if (entry.body !== null && entry.body !== undefined) attributes['log.body'] = typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body);
  const event: SpanEvent = { name: entry.name || 'log', time: entry.time };
  if (Object.keys(attributes).length > 0) event.attributes = attributes;
  return event;
}
