import { z } from 'zod';
import { SPAN_ID_LENGTH, TRACE_ID_LENGTH, normalizeHexId } from './ids.js';
import { SPAN_LIMITS } from './limits.js';

/**
 * The span model. Everything runtime-hub shows is a span: a tracked function call, an LLM call, a
 * tool call, a hook event, a workflow run and each node run inside it.
 */

export const SPAN_KINDS = [
  'function',
  'llm',
  'tool',
  'agent',
  'workflow',
  'node',
  'http',
  'hook',
  'internal',
] as const;
export const SpanKind = z.enum(SPAN_KINDS);
export type SpanKind = z.infer<typeof SpanKind>;

export const SPAN_STATUSES = ['unset', 'ok', 'error'] as const;
export const SpanStatus = z.enum(SPAN_STATUSES);
export type SpanStatus = z.infer<typeof SpanStatus>;

const hexId = (length: number) =>
  z.string().transform((value, ctx) => {
    const id = normalizeHexId(value, length);
    if (id === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${length} hex characters, not all zero (got ${JSON.stringify(value.slice(0, 40))})`,
      });
      return z.NEVER;
    }
    return id;
  });

export const TraceId = hexId(TRACE_ID_LENGTH);
export const SpanId = hexId(SPAN_ID_LENGTH);

/** The largest time a JavaScript Date can hold (year 275760); later ones would show as NaN. */
export const MAX_EPOCH_MS = 8.64e15;

const epochMs = z
  .number({ error: 'must be a number of epoch milliseconds' })
  .refine((n) => Number.isFinite(n) && n >= 0, {
    message: 'must be a finite, non-negative number of epoch milliseconds',
  })
  .refine((n) => n <= MAX_EPOCH_MS, {
    message: `must be at most ${MAX_EPOCH_MS} (the latest date JavaScript can represent); is it in microseconds or nanoseconds?`,
  });

const shortString = z.string().max(SPAN_LIMITS.maxNameLength, {
  message: `must be at most ${SPAN_LIMITS.maxNameLength} characters`,
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const AttributeValue = z.union([scalar, z.array(scalar)]);
export type AttributeValue = z.infer<typeof AttributeValue>;

export const Attributes = z
  .record(z.string(), AttributeValue, {
    error: 'must be a flat map of scalars or arrays of scalars',
  })
  .refine((a) => Object.keys(a).length <= SPAN_LIMITS.maxAttributes, {
    message: `must have at most ${SPAN_LIMITS.maxAttributes} entries`,
  });
export type Attributes = z.infer<typeof Attributes>;

/** A stack frame, innermost last (the order of a Python traceback). */
export const StackFrame = z.object({
  file: z.string(),
  line: z.number().int().nullable().optional(),
  function: z.string(),
  module: z.string().optional(),
  /** False for frames of the standard library or installed packages; the UI dims them. */
  inApp: z.boolean().optional(),
});
export type StackFrame = z.infer<typeof StackFrame>;

export const SpanError = z.object({
  type: shortString,
  message: z.string(),
  stack: z.string().optional(),
  frames: z.array(StackFrame).max(256).optional(),
});
export type SpanError = z.infer<typeof SpanError>;

export const SpanEvent = z.object({
  name: shortString,
  time: epochMs,
  attributes: Attributes.optional(),
});
export type SpanEvent = z.infer<typeof SpanEvent>;

/**
 * A span record as senders write it: a start record (no endTime) or an end record (with endTime).
 * Both carry the identity fields, so an end record whose start was lost can still be stored.
 * Unknown fields are ignored (documented in docs/api.md).
 */
export const SpanRecord = z.object({
  traceId: TraceId,
  spanId: SpanId,
  parentSpanId: SpanId.nullable().optional(),
  service: shortString.min(1, { message: 'must not be empty' }),
  name: shortString.min(1, { message: 'must not be empty' }),
  kind: SpanKind.default('internal'),
  startTime: epochMs,
  endTime: epochMs.nullable().optional(),
  status: SpanStatus.default('unset'),
  sessionId: shortString.nullable().optional(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: SpanError.nullable().optional(),
  attributes: Attributes.optional(),
  events: z.array(SpanEvent).max(SPAN_LIMITS.maxEvents).optional(),
}).superRefine((record, ctx) => {
  if (record.endTime !== null && record.endTime !== undefined && record.endTime < record.startTime) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: `is before startTime (${record.endTime} < ${record.startTime})` });
  }
});
export type SpanRecordInput = z.input<typeof SpanRecord>;
export type SpanRecord = z.output<typeof SpanRecord>;

/** LLM usage the hub derives from `gen_ai.*` attributes. */
export interface SpanUsage {
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

/** A span as the hub stores and serves it: the merged state of all its records. */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTime: number;
  endTime: number | null;
  /** endTime - startTime, or null while running. */
  durationMs: number | null;
  status: SpanStatus;
  sessionId: string | null;
  input?: unknown;
  output?: unknown;
  error?: SpanError | null;
  attributes?: Attributes;
  events?: SpanEvent[];
  usage?: SpanUsage;
  /** The change sequence: increases with every write; live clients resume after it. */
  seq: number;
}

/**
 * A span as the live channel sends it by default: everything a list row, a filter or a status
 * needs, without payloads. The dashboard fetches the whole span (`GET /api/v1/spans/:id`) when
 * it shows one; a subscription with `payloads: true` gets whole spans instead.
 */
export interface LiveSpan extends Omit<Span, 'input' | 'output' | 'error' | 'attributes' | 'events'> {
  /** Type and message only; the stack and frames come with the whole span. */
  error?: { type: string; message: string } | null;
  /** The beginning of the input as JSON text (at most 120 characters), for a one-line preview. */
  inputPreview?: string;
  /** Workflow and node spans only: their `workflow.*` attributes (run id and status, node, attempt, step). */
  attributes?: Attributes;
}
