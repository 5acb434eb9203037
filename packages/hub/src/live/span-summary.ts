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
  if (span.input !== undefined) out.inputPreview = inputPreview(span.input);
  if ((span.kind === 'workflow' || span.kind === 'node') && span.attributes) out.attributes = workflowAttributes(span.attributes);
  return out;
}

/**
 * The JSON text ingest made of each input object (`rememberInputJson`), so the preview is a slice
 * of it rather than a second walk over the object — the walk cost more main-thread time than the
 * summaries saved Socket.IO. Weak: an entry goes with its input object.
 */
const inputJsonOf = new WeakMap<object, string>();

/** Ingest hands over the text it serialized an input object to (the object as stored and broadcast). */
export function rememberInputJson(input: unknown, json: string): void {
  if (typeof input === 'object' && input !== null) inputJsonOf.set(input, json);
}

function inputPreview(input: unknown): string {
  const json = typeof input === 'object' && input !== null ? inputJsonOf.get(input) : undefined;
  if (json === undefined) return previewJson(input, INPUT_PREVIEW_CHARS);
  return json.length > INPUT_PREVIEW_CHARS ? `${json.slice(0, INPUT_PREVIEW_CHARS)}…` : json;
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
  const out: JsonParts = { parts: [], length: 0, max };
  writeBounded(value, out);
  const text = out.parts.join('');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

interface JsonParts {
  parts: string[];
  length: number;
  max: number;
}

function push(out: JsonParts, text: string): void {
  out.parts.push(text);
  out.length += text.length;
}

function writeBounded(value: unknown, out: JsonParts): void {
  if (out.length > out.max) return;
  switch (typeof value) {
    case 'string':
      push(out, JSON.stringify(value.length > out.max ? value.slice(0, out.max + 1) : value));
      return;
    case 'number':
      push(out, Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      push(out, value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      push(out, 'null');
      return;
  }
  if (value === null) {
    push(out, 'null');
  } else if (Array.isArray(value)) {
    push(out, '[');
    for (let i = 0; i < value.length && out.length <= out.max; i++) {
      if (i > 0) push(out, ',');
      writeBounded(value[i], out);
    }
    push(out, ']');
  } else {
    push(out, '{');
    let first = true;
    for (const key in value) {
      if (out.length > out.max) break;
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      push(out, first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
      first = false;
      writeBounded(item, out);
    }
    push(out, '}');
  }
}
