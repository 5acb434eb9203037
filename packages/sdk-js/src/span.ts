import { toWireError } from './errors.js';
import { describeThrown, isIgnored, type ErrorMatcher } from './ignore-errors.js';
import { newSpanId, newTraceId } from './ids.js';
import { nowMs } from './clock.js';
import { REDACTED } from './redact.js';
import type { Client } from './client.js';
import type { AttributeValue, Attributes, Scalar, SpanKind, SpanStatus, WireEvent, WireSpan } from './wire.js';

/** LLM usage; `setUsage` writes it as OpenTelemetry GenAI attributes, which the hub prices. */
export interface LlmUsage {
  model?: string;
  provider?: string;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * The span a `track`ed function or a `span()` callback runs in. Every method is safe to call at
 * any time and never throws; calls after the span ended are ignored.
 *
 * @example
 *   await span('checkout', async (s) => {
 *     s.setAttribute('cart.items', 3);
 *     s.addEvent('payment.authorized');
 *   });
 */
export interface ActiveSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  setAttribute(key: string, value: unknown): this;
  setAttributes(attributes: Record<string, unknown>): this;
  /** Replaces the recorded input (copied with the serializer limits and redaction). */
  setInput(value: unknown): this;
  /** Replaces the recorded output (copied with the serializer limits and redaction). */
  setOutput(value: unknown): this;
  addEvent(name: string, attributes?: Record<string, unknown>): this;
  /** Marks the span failed with this error (the call itself may still return normally). */
  recordError(error: unknown): this;
  setStatus(status: SpanStatus): this;
  setKind(kind: SpanKind): this;
  setName(name: string): this;
  setUsage(usage: LlmUsage): this;
  readonly ended: boolean;
}

const MAX_ATTRIBUTES = 256;
/** Ids, times, names and punctuation of a record as written. */
const BASE_BYTES = 200;
/** A recorded error as written (type, message, stack and frames are clipped when serialized). */
const ERROR_BYTES = 2048;
const MAX_EVENTS = 256;

/** A span's live state. Queued by reference; serialized when a batch is formed. */
export class SpanState implements ActiveSpan {
  endTime: number | undefined = undefined;
  status: SpanStatus = 'unset';
  input: unknown = undefined;
  output: unknown = undefined;
  thrown: unknown = undefined;
  hasError = false;
  attributes: Attributes | undefined = undefined;
  events: WireEvent[] | undefined = undefined;
  /** Approximate written size of the record (fixed fields, payloads, error), for the queue's byte bound. */
  bytes = BASE_BYTES;
  /** The part of `bytes` the send queue has counted so far. */
  accounted = 0;
  /** In the send queue, not yet serialized: a later end() needs no second record. */
  queued = false;
  /** Record the return value as output (configure() default, per-function override). */
  captureResult: boolean;
  /** What a thrown value must match to be recorded as control flow, not an error. */
  ignoreErrors: readonly ErrorMatcher[];
  /** The start record was serialized for sending: its end must never be dropped. */
  startSent = false;
  /** Keep a faithful encoding of the result for `runtime-hub replay` (replay/keep.ts). */
  replayKeep = false;
  private explicitStatus = false;

  // Ids are drawn when first read (usually when the record is serialized, off the call path).
  private traceIdValue: string | undefined;
  private spanIdValue: string | undefined;

  constructor(
    readonly client: Client,
    /** The parent span, or undefined for a root span. */
    readonly parent: SpanState | undefined,
    public name: string,
    public kind: SpanKind,
    readonly sessionId: string | null,
    readonly startTime: number,
  ) {
    this.captureResult = client.config.captureResult;
    this.ignoreErrors = client.config.ignoreErrors;
  }

  get traceId(): string {
    return (this.traceIdValue ??= this.parent === undefined ? newTraceId() : this.parent.traceId);
  }

  /** A root span of a `runtime-hub replay` run takes the trace id the command chose (replay/player.ts). */
  useTraceId(traceId: string): void {
    if (this.parent === undefined) this.traceIdValue = traceId;
  }

  get spanId(): string {
    return (this.spanIdValue ??= newSpanId());
  }

  get parentSpanId(): string | null {
    return this.parent === undefined ? null : this.parent.spanId;
  }

  get ended(): boolean {
    return this.endTime !== undefined;
  }

  setAttribute(key: string, value: unknown): this {
    if (this.endTime !== undefined || typeof key !== 'string' || key.length === 0) return this;
    const attributes = (this.attributes ??= {});
    if (!(key in attributes) && Object.keys(attributes).length >= MAX_ATTRIBUTES) return this;
    attributes[key] = this.attributeValue(key, value);
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    if (attributes !== null && typeof attributes === 'object') {
      for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  setInput(value: unknown): this {
    if (this.endTime === undefined) this.input = this.copy(value);
    return this;
  }

  setOutput(value: unknown): this {
    if (this.endTime === undefined) this.output = this.copy(value);
    return this;
  }

  addEvent(name: string, attributes?: Record<string, unknown>): this {
    if (this.endTime !== undefined) return this;
    const events = (this.events ??= []);
    if (events.length >= MAX_EVENTS) return this;
    const event: WireEvent = { name: String(name).slice(0, 1024), time: nowMs() };
    if (attributes !== null && typeof attributes === 'object') {
      const copied: Attributes = {};
      for (const key of Object.keys(attributes).slice(0, MAX_ATTRIBUTES)) copied[key] = this.attributeValue(key, attributes[key]);
      event.attributes = copied;
    }
    events.push(event);
    return this;
  }

  recordError(error: unknown): this {
    if (this.endTime !== undefined) return this;
    this.thrown = error;
    if (!this.hasError) this.bytes += ERROR_BYTES;
    this.hasError = true;
    if (!this.explicitStatus) this.status = 'error';
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endTime === undefined && (status === 'ok' || status === 'error' || status === 'unset')) {
      this.status = status;
      this.explicitStatus = true;
    }
    return this;
  }

  setKind(kind: SpanKind): this {
    if (this.endTime === undefined && typeof kind === 'string') this.kind = kind;
    return this;
  }

  setName(name: string): this {
    if (this.endTime === undefined && typeof name === 'string' && name.length > 0) this.name = name.slice(0, 1024);
    return this;
  }

  setUsage(usage: LlmUsage): this {
    if (usage === null || typeof usage !== 'object') return this;
    if (usage.model !== undefined) this.setAttribute('gen_ai.request.model', usage.model);
    if (usage.provider !== undefined) this.setAttribute('gen_ai.provider.name', usage.provider);
    if (usage.inputTokens !== undefined) this.setAttribute('gen_ai.usage.input_tokens', usage.inputTokens);
    if (usage.outputTokens !== undefined) this.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
    if (usage.cacheReadTokens !== undefined) this.setAttribute('gen_ai.usage.cache_read.input_tokens', usage.cacheReadTokens);
    if (usage.cacheWriteTokens !== undefined) this.setAttribute('gen_ai.usage.cache_creation.input_tokens', usage.cacheWriteTokens);
    return this;
  }

  /**
   * Ends the span once: with the result (ok) or the thrown value (error). A thrown value the
   * ignoreErrors list matches is control flow: the span ends ok with `exception.type` and
   * `exception.message` attributes, so it stays visible without counting as an error.
   */
  finish(output: unknown, thrown: unknown, failed: boolean): void {
    if (this.endTime !== undefined) return;
    if (failed) {
      if (isIgnored(thrown, this.ignoreErrors)) {
        const wire = describeThrown(thrown);
        this.setAttribute('exception.type', wire.type);
        this.setAttribute('exception.message', wire.message);
        this.setAttribute('exception.ignored', true);
      } else this.recordError(thrown);
    } else if (output !== undefined && this.captureResult && this.output === undefined && !this.client.exporter.hubDown) {
      this.output = this.copy(output);
    }
    if (!this.explicitStatus && !this.hasError) this.status = 'ok';
    this.endTime = nowMs();
    this.client.exporter.ended(this);
  }

  /**
   * The start record was written for sending: from now on its end must be delivered, and the end
   * record need not repeat the input (the hub keeps a field the end record leaves out).
   */
  startWritten(): void {
    this.startSent = true;
    this.input = undefined;
  }

  /** Keeps what an end record needs (timing, status, error type) and lets go of the payloads. */
  compact(): void {
    this.input = undefined;
    this.output = undefined;
    this.events = undefined;
    this.bytes = BASE_BYTES + (this.hasError ? ERROR_BYTES : 0);
  }

  /** The record for the current state: an end record once ended, else a start record. */
  toWire(): WireSpan {
    const record: WireSpan = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      service: this.client.config.service,
      name: this.name,
      kind: this.kind,
      startTime: this.startTime,
      status: this.endTime === undefined ? 'unset' : this.status,
    };
    if (this.endTime !== undefined) record.endTime = this.endTime;
    if (this.sessionId !== null) record.sessionId = this.sessionId;
    if (this.input !== undefined) record.input = this.input;
    if (this.endTime !== undefined) {
      if (this.output !== undefined) record.output = this.output;
      if (this.hasError) record.error = toWireError(this.thrown);
    }
    if (this.attributes !== undefined) record.attributes = { ...this.attributes };
    if (this.events !== undefined) record.events = this.events.slice();
    return record;
  }

  /**
   * `JSON.stringify(this.toWire())`, built directly: the fixed fields are ids, numbers and enums
   * that need no escaping, so only the name and the payloads go through JSON.stringify. This runs
   * for every record in the background and is most of the SDK's CPU cost per span.
   */
  toJson(serviceJson: string): string {
    const ended = this.endTime !== undefined;
    const parent = this.parentSpanId;
    let json =
      `{"traceId":"${this.traceId}","spanId":"${this.spanId}","parentSpanId":${parent === null ? 'null' : `"${parent}"`}` +
      `,"service":${serviceJson},"name":${JSON.stringify(this.name)},"kind":${JSON.stringify(this.kind)}` +
      `,"startTime":${number(this.startTime)},"status":"${ended ? this.status : 'unset'}"`;
    if (ended) json += `,"endTime":${number(this.endTime!)}`;
    if (this.sessionId !== null) json += `,"sessionId":${JSON.stringify(this.sessionId)}`;
    if (this.input !== undefined) json += `,"input":${JSON.stringify(this.input)}`;
    if (ended) {
      if (this.output !== undefined) json += `,"output":${JSON.stringify(this.output)}`;
      if (this.hasError) json += `,"error":${JSON.stringify(toWireError(this.thrown))}`;
    }
    if (this.attributes !== undefined) json += `,"attributes":${JSON.stringify(this.attributes)}`;
    if (this.events !== undefined) json += `,"events":${JSON.stringify(this.events)}`;
    return json + '}';
  }

  private copy(value: unknown): unknown {
    const serializer = this.client.serializer;
    const before = serializer.bytes;
    const copied = serializer.copy(value);
    this.bytes += serializer.bytes - before;
    return copied;
  }

  private attributeValue(key: string, value: unknown): AttributeValue {
    if (this.client.redactor.isSensitive(key)) return REDACTED;
    const scalar = toScalar(value, this.client.config.maxString);
    if (scalar !== undefined) return scalar;
    if (Array.isArray(value)) {
      const items: Scalar[] = [];
      let allScalar = true;
      for (const item of value.slice(0, this.client.config.maxItems)) {
        const s = toScalar(item, this.client.config.maxString);
        if (s === undefined) {
          allScalar = false;
          break;
        }
        items.push(s);
      }
      if (allScalar) return items;
    }
    // Attributes are flat; anything structured is kept as (bounded) JSON text.
    const text = JSON.stringify(this.client.serializer.copy(value)) ?? 'null';
    return text.length > this.client.config.maxString ? `${text.slice(0, this.client.config.maxString)}…` : text;
  }
}

function toScalar(value: unknown, maxString: number): Scalar | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > maxString ? `${value.slice(0, maxString)}… (${value.length - maxString} more chars)` : value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    default:
      return value === null ? null : undefined;
  }
}

/**
 * A time in epoch milliseconds as JSON, to the microsecond (clock.ts rounds every time to the
 * microsecond, so this is exactly what JSON.stringify writes). Built from integers: V8's
 * shortest-round-trip formatting of a fractional double (String(x)) costs about 1 µs, and two of
 * them per record were the largest single cost of serializing a span.
 */
export function number(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  const micros = Math.round(value * 1000);
  const millis = Math.floor(micros / 1000);
  const fraction = micros - millis * 1000;
  if (fraction === 0) return `${millis}`;
  // Trailing zeros dropped, as JSON.stringify writes the same (microsecond-rounded) value.
  if (fraction % 100 === 0) return `${millis}.${fraction / 100}`;
  if (fraction % 10 === 0) return `${millis}.${fraction < 100 ? '0' : ''}${fraction / 10}`;
  return `${millis}.${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}`;
}
