import { SPAN_LIMITS, type Attributes, type SpanEvent, type SpanKind, type SpanRecordInput, type SpanStatus } from '@runtime-hub/protocol';
import { applyAiConventions } from './genai.js';
import { httpSpanName } from './http-name.js';
import type { OtlpRequest, OtlpSpan } from './otlp-types.js';
import { nanosToMs, otlpId, toAttributes } from './values.js';

/** A span of the request that could not become a record, with why. */
export interface OtlpRejection {
  /** Position among all spans of the request (resource, scope and span order). */
  index: number;
  message: string;
}

export interface OtlpConversion {
  records: SpanRecordInput[];
  /** For each record, its position among all spans of the request. */
  indexes: number[];
  rejected: OtlpRejection[];
  /** Spans in the request. */
  total: number;
}

const OTLP_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
const KIND_NAMES: Record<string, number> = Object.fromEntries(OTLP_KINDS.map((k, i) => [`SPAN_KIND_${k.toUpperCase()}`, i]));
const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const HTTP_KEYS = ['http.request.method', 'http.method', 'http.route', 'url.full', 'http.url', 'http.target'];

/** Resource attributes worth repeating on each span (service.name becomes the span's service). */
const RESOURCE_KEYS = [
  'service.version',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'telemetry.sdk.language',
  'telemetry.sdk.name',
  'telemetry.sdk.version',
  'host.name',
  'process.pid',
];

/**
 * Converts an OTLP trace export request (JSON, or protobuf decoded to the same shape) into span
 * records for `ctx.ingest`. Pure: no I/O. Spans without valid ids are rejected here with a reason;
 * everything else is validated again by the ingest path like any other record.
 *
 * Mapping: resource `service.name` → service; OTLP kind → `otel.span_kind` attribute, and our kind
 * http for server/client spans with HTTP attributes, else internal, unless AI conventions say
 * llm / tool / agent; status code → status; an `exception` event → error; events kept; links
 * ignored. See docs/otlp.md.
 *
 * @example
 *   const { records, rejected } = otlpToSpanRecords(JSON.parse(body));
 *   const result = await ctx.ingest(records);
 */
export function otlpToSpanRecords(request: OtlpRequest): OtlpConversion {
  const out: OtlpConversion = { records: [], indexes: [], rejected: [], total: 0 };
  for (const resourceSpans of asArray(request?.resourceSpans)) {
    const resource = toAttributes(resourceSpans?.resource?.attributes, SPAN_LIMITS.maxAttributes);
    const serviceName = resource['service.name'];
    const service = (typeof serviceName === 'string' && serviceName.trim() !== '' ? serviceName : 'unknown_service').slice(0, SPAN_LIMITS.maxNameLength);
    const shared: Attributes = {};
    for (const key of RESOURCE_KEYS) if (resource[key] !== undefined) shared[key] = resource[key];

    for (const scopeSpans of asArray(resourceSpans?.scopeSpans)) {
      const scope: Attributes = {};
      if (typeof scopeSpans?.scope?.name === 'string' && scopeSpans.scope.name !== '') scope['otel.scope.name'] = scopeSpans.scope.name;
      if (typeof scopeSpans?.scope?.version === 'string' && scopeSpans.scope.version !== '') scope['otel.scope.version'] = scopeSpans.scope.version;

      for (const span of asArray(scopeSpans?.spans)) {
        const index = out.total++;
        const converted = convertSpan(span, service, shared, scope);
        if (typeof converted === 'string') out.rejected.push({ index, message: converted });
        else {
          out.records.push(converted);
          out.indexes.push(index);
        }
      }
    }
  }
  return out;
}

function convertSpan(span: OtlpSpan, service: string, resource: Attributes, scope: Attributes): SpanRecordInput | string {
  if (span === null || typeof span !== 'object') return 'span: not an object';
  const traceId = otlpId(span.traceId, 16);
  if (!traceId) return `traceId: ${describeId(span.traceId)}; expected 16 bytes (32 hex characters), not all zero`;
  const spanId = otlpId(span.spanId, 8);
  if (!spanId) return `spanId: ${describeId(span.spanId)}; expected 8 bytes (16 hex characters), not all zero`;
  const parentSpanId = otlpId(span.parentSpanId, 8) ?? null;
  const startTime = nanosToMs(span.startTimeUnixNano);
  if (startTime === undefined || startTime === 0) return `startTimeUnixNano: ${JSON.stringify(span.startTimeUnixNano ?? null)} is not epoch nanoseconds`;
  const end = nanosToMs(span.endTimeUnixNano);
  const endTime = end === undefined || end === 0 ? null : Math.max(end, startTime);

  // Room for the resource and scope attributes, otel.span_kind / otel.status_description and the
  // canonical gen_ai.* names the AI mapping may add, within the hub's per-span limit.
  const own = toAttributes(span.attributes, SPAN_LIMITS.maxAttributes - RESOURCE_KEYS.length - 2 - 2 - 6);
  const attributes: Attributes = { ...resource, ...scope, ...own };
  const otlpKind = enumValue(span.kind, KIND_NAMES);
  if (otlpKind >= 2 && otlpKind <= 5) attributes['otel.span_kind'] = OTLP_KINDS[otlpKind]!;

  const events = convertEvents(span.events);
  const ai = applyAiConventions(attributes, events);
  const statusCode = enumValue(span.status?.code, STATUS_NAMES);
  const status: SpanStatus = statusCode === 2 ? 'error' : statusCode === 1 ? 'ok' : 'unset';
  const statusMessage = typeof span.status?.message === 'string' ? span.status.message : '';

  const record: SpanRecordInput = {
    traceId,
    spanId,
    parentSpanId,
    service,
    name: (httpSpanName(span.name, otlpKind, attributes) ?? (typeof span.name === 'string' && span.name !== '' ? span.name : 'unknown')).slice(0, SPAN_LIMITS.maxNameLength),
    kind: ai.kind ?? kindOf(otlpKind, attributes),
    startTime,
    endTime,
    status,
  };
  if (ai.sessionId !== undefined) record.sessionId = ai.sessionId.slice(0, SPAN_LIMITS.maxNameLength);
  if (ai.input !== undefined) record.input = ai.input;
  if (ai.output !== undefined) record.output = ai.output;
  const error = errorOf(events, status, statusMessage, attributes['error.type']);
  if (error !== undefined) record.error = error;
  else if (statusMessage !== '') attributes['otel.status_description'] = statusMessage;
  if (Object.keys(attributes).length > 0) record.attributes = attributes;
  if (events.length > 0) record.events = events;
  return record;
}

function kindOf(otlpKind: number, attributes: Attributes): SpanKind {
  if ((otlpKind === 2 || otlpKind === 3) && HTTP_KEYS.some((key) => attributes[key] !== undefined)) return 'http';
  return 'internal';
}

function convertEvents(events: OtlpSpan['events']): SpanEvent[] {
  const out: SpanEvent[] = [];
  for (const event of asArray(events)) {
    if (out.length === SPAN_LIMITS.maxEvents) break;
    const time = nanosToMs(event?.timeUnixNano);
    if (time === undefined) continue;
    const converted: SpanEvent = { name: (typeof event.name === 'string' && event.name !== '' ? event.name : 'event').slice(0, SPAN_LIMITS.maxNameLength), time };
    const attributes = toAttributes(event.attributes, SPAN_LIMITS.maxAttributes);
    if (Object.keys(attributes).length > 0) converted.attributes = attributes;
    out.push(converted);
  }
  return out;
}

/**
 * The last `exception` event (the one that ended the span), else the error status with the
 * span's `error.type` attribute (what the OpenAI and other GenAI instrumentations set instead of
 * recording an exception), else "Error".
 */
function errorOf(events: SpanEvent[], status: SpanStatus, statusMessage: string, errorType: unknown): SpanRecordInput['error'] {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.name !== 'exception') continue;
    const a = event.attributes ?? {};
    const type = typeof a['exception.type'] === 'string' && a['exception.type'] !== '' ? a['exception.type'] : typeof errorType === 'string' && errorType !== '' ? errorType : 'Exception';
    const message = typeof a['exception.message'] === 'string' ? a['exception.message'] : statusMessage;
    const error: NonNullable<SpanRecordInput['error']> = { type: type.slice(0, SPAN_LIMITS.maxNameLength), message };
    if (typeof a['exception.stacktrace'] === 'string') error.stack = a['exception.stacktrace'];
    return error;
  }
  if (status !== 'error') return undefined;
  // Python's repr of a class ("<class 'openai.NotFoundError'>", as opentelemetry-util-genai writes it) names the class.
  const named = typeof errorType === 'string' ? errorType.replace(/^<class '([^']+)'>$/, '$1') : '';
  const type = named !== '' && named !== '_OTHER' ? named.slice(0, SPAN_LIMITS.maxNameLength) : 'Error';
  if (statusMessage !== '' || type !== 'Error') return { type, message: statusMessage };
  return undefined;
}

function enumValue(value: unknown, names: Record<string, number>): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') return names[value] ?? (/^\d+$/.test(value) ? Number(value) : 0);
  return 0;
}

function describeId(value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'string' && value === '')) return 'missing';
  if (typeof value === 'string') return `${JSON.stringify(value.slice(0, 40))} is neither hex nor base64 of the right length`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return `a ${typeof value}`;
}

function asArray<T>(value: T[] | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}
