/**
 * The records the SDK sends: the span record of DESIGN.md §3 and packages/protocol/src/span.ts,
 * restated here because the SDK is published on its own, without runtime dependencies.
 */

export type SpanKind = 'function' | 'llm' | 'tool' | 'agent' | 'workflow' | 'node' | 'http' | 'hook' | 'internal';
export type SpanStatus = 'unset' | 'ok' | 'error';

export type Scalar = string | number | boolean | null;
export type AttributeValue = Scalar | Scalar[];
export type Attributes = Record<string, AttributeValue>;

export interface WireStackFrame {
  file: string;
  line?: number | null;
  function: string;
  /** False for frames of Node itself or of node_modules; the UI dims them. */
  inApp?: boolean;
}

export interface WireError {
  type: string;
  message: string;
  stack?: string;
  /** Innermost last, like a Python traceback. */
  frames?: WireStackFrame[];
}

export interface WireEvent {
  name: string;
  time: number;
  attributes?: Attributes;
}

/** One start or end record. A start record has no endTime; the end record completes it. */
export interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTime: number;
  endTime?: number | null;
  status: SpanStatus;
  sessionId?: string | null;
  input?: unknown;
  output?: unknown;
  error?: WireError | null;
  attributes?: Attributes;
  events?: WireEvent[];
}

/** Presence of this process: POST /api/v1/apps/heartbeat. */
export interface WireHeartbeat {
  service: string;
  instanceId: string;
  pid: number;
  host: string;
  language: 'typescript';
  runtimeVersion: string;
  sdk: { name: string; version: string };
  dropped?: Record<string, number>;
}

export const SPAN_KINDS: ReadonlySet<string> = new Set<SpanKind>([
  'function',
  'llm',
  'tool',
  'agent',
  'workflow',
  'node',
  'http',
  'hook',
  'internal',
]);
