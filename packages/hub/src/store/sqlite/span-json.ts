import { payloadText } from './payload-codec.js';
import type { SpanRow } from './row-codec.js';

/**
 * A span row as JSON text, the same document `JSON.stringify(rowToSpan(row))` gives, built
 * without parsing the payload columns: they are stored as JSON text already, so they are copied
 * in as they are. This is what lets a reader thread hand a 100,000-span trace to the main thread
 * as a few strings per page instead of objects the main thread would have to serialize. A
 * compressed payload is inflated back to that text here, on the reader thread.
 */
export function rowToSpanJson(row: SpanRow): string {
  const s = JSON.stringify;
  let json =
    `{"traceId":${s(row.trace_id)},"spanId":${s(row.span_id)},"parentSpanId":${s(row.parent_span_id)}` +
    `,"service":${s(row.service)},"name":${s(row.name)},"kind":${s(row.kind)}` +
    `,"startTime":${s(row.start_time)},"endTime":${s(row.end_time)}` +
    `,"durationMs":${row.end_time === null ? 'null' : s(row.end_time - row.start_time)}` +
    `,"status":${s(row.status)},"sessionId":${s(row.session_id)},"seq":${s(row.seq)}`;
  if (row.input !== null) json += `,"input":${payloadText(row.input)}`;
  if (row.output !== null) json += `,"output":${payloadText(row.output)}`;
  if (row.error !== null) json += `,"error":${payloadText(row.error)}`;
  if (row.attributes !== null) json += `,"attributes":${payloadText(row.attributes)}`;
  if (row.events !== null) json += `,"events":${payloadText(row.events)}`;
  if (row.model !== null || row.input_tokens !== null || row.output_tokens !== null || row.cost_usd !== null) {
    const usage: string[] = [];
    if (row.model !== null) usage.push(`"model":${s(row.model)}`);
    if (row.input_tokens !== null) usage.push(`"inputTokens":${s(row.input_tokens)}`);
    if (row.output_tokens !== null) usage.push(`"outputTokens":${s(row.output_tokens)}`);
    if (row.cost_usd !== null) usage.push(`"costUsd":${s(row.cost_usd)}`);
    json += `,"usage":{${usage.join(',')}}`;
  }
  return `${json}}`;
}
