import type { Attributes, LiveSpan, Span } from '@runtime-hub/protocol';

/** Characters of the input a live summary previews (a feed row shows 80). */
export const INPUT_PREVIEW_CHARS = 120;

/**
 * The live channel's default shape of a span: no input, output, events, error stack or
 * attributes (apart from a workflow span's `workflow.*` ones, which the studio's run view folds
 * into node states). Payloads dominated the cost of a broadcast — Socket.IO scans every value for
 * binary data, then serializes it — and the dashboard shows them only for the span it opens,
 * which it fetches whole.
 */
export function summarize(span: Span): LiveSpan {
  const out: LiveSpan = spanHead(span) as LiveSpan;
  out.seq = span.seq;
  if (span.error) out.error = { type: span.error.type, message: span.error.message };
  if (span.usage) out.usage = span.usage;
  if (span.input !== undefined) out.inputPreview = previewJson(span.input, INPUT_PREVIEW_CHARS);
  if ((span.kind === 'workflow' || span.kind === 'node') && span.attributes) out.attributes = workflowAttributes(span.attributes);
  return out;
}

/** What every payload-less view of a span starts from (live summaries, plugins' spans). */
export type SpanHead = Pick<Span, 'traceId' | 'spanId' | 'parentSpanId' | 'service' | 'name' | 'kind' | 'startTime' | 'endTime' | 'durationMs' | 'status' | 'sessionId'>;

export function spanHead(span: Span): SpanHead {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    service: span.service,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    durationMs: span.durationMs,
    status: span.status,
    sessionId: span.sessionId,
  };
}

function workflowAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const key in attributes) if (key.startsWith('workflow.')) out[key] = attributes[key]!;
  return out;
}

/**
 * The first `max` characters of a value as JSON (a string as itself), with "…" when cut. Stops
 * walking once it has enough, so a megabyte input costs what its first characters cost.
 */
export function previewJson(value: unknown, max: number): string {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…` : value;
  const out = { text: '' };
  writeBounded(value, out, max);
  return out.text.length > max ? `${out.text.slice(0, max)}…` : out.text;
}

function writeBounded(value: unknown, out: { text: string }, max: number): void {
  if (out.text.length > max) return;
  if (typeof value === 'string') {
    out.text += JSON.stringify(value.length > max ? value.slice(0, max + 1) : value);
  } else if (value === null || typeof value !== 'object') {
    out.text += JSON.stringify(value) ?? 'null';
  } else if (Array.isArray(value)) {
    out.text += '[';
    for (let i = 0; i < value.length && out.text.length <= max; i++) {
      if (i > 0) out.text += ',';
      writeBounded(value[i], out, max);
    }
    out.text += ']';
  } else {
    out.text += '{';
    let first = true;
    for (const key in value) {
      if (out.text.length > max) break;
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      out.text += `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      writeBounded(item, out, max);
    }
    out.text += '}';
  }
}
