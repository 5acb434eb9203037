import { getClient } from './client.js';
import { storage } from './context.js';
import type { ActiveSpan, SpanState } from './span.js';
import type { SpanKind } from './wire.js';
import { settle } from './tracker.js';

/** Settings for one `span()` block. */
export interface SpanOptions {
  /** Default "function". */
  kind?: SpanKind;
  input?: unknown;
  attributes?: Record<string, unknown>;
  sessionId?: string;
}

/**
 * Runs `fn` inside a new span named `name`, a child of the current span, and returns what `fn`
 * returns (a promise is awaited for the span's end). `fn` receives the span to add attributes,
 * events, input, output or LLM usage. The return value becomes the output unless set explicitly.
 *
 * @example
 *   const answer = await span('ask', { kind: 'llm' }, async (s) => {
 *     const reply = await client.chat(prompt);
 *     s.setUsage({ model: reply.model, inputTokens: reply.usage.in, outputTokens: reply.usage.out });
 *     return reply.text;
 *   });
 */
export function span<T>(name: string, fn: (span: ActiveSpan) => T): T;
export function span<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => T): T;
export function span<T>(name: string, second: SpanOptions | ((span: ActiveSpan) => T), third?: (span: ActiveSpan) => T): T {
  const fn = (typeof second === 'function' ? second : third) as (span: ActiveSpan) => T;
  const options: SpanOptions = (typeof second === 'function' ? undefined : second) ?? {};
  const client = getClient();
  const parent = storage.getStore();
  if (!client.enabled) return fn(NOOP_SPAN);
  const skip = client.admit(parent, undefined);
  if (skip !== undefined) return skip === parent ? fn(NOOP_SPAN) : storage.run(skip, fn, NOOP_SPAN);
  const state = client.startSpan(String(name) || 'span', options.kind ?? 'function', parent as SpanState | undefined, options.sessionId);
  if (options.input !== undefined) state.setInput(options.input);
  if (options.attributes !== undefined) state.setAttributes(options.attributes);
  client.exporter.started(state);
  return storage.run(state, () => {
    let result: T;
    try {
      result = fn(state);
    } catch (error) {
      state.finish(undefined, error, true);
      throw error;
    }
    if (result instanceof Promise) return settle(state, result) as T;
    state.finish(result, undefined, false);
    return result;
  });
}

const noop = function (this: ActiveSpan) {
  return this;
};

/** What `span()` hands to its callback when the SDK is disabled or the trace is not sampled. */
export const NOOP_SPAN: ActiveSpan = Object.freeze({
  traceId: '',
  spanId: '',
  parentSpanId: null,
  name: '',
  ended: false,
  setAttribute: noop,
  setAttributes: noop,
  setInput: noop,
  setOutput: noop,
  addEvent: noop,
  recordError: noop,
  setStatus: noop,
  setKind: noop,
  setName: noop,
  setUsage: noop,
});
