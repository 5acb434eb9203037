import { randomBytes } from 'node:crypto';
import type { Span } from '@runtime-hub/protocol';
import type { PlaygroundMessage } from './messages.js';
import type { PlaygroundParameters, PlaygroundProvider } from './providers.js';

/** The attribute that links a playground run to the recorded LLM span it re-ran. */
export const ORIGINAL_SPAN_ATTRIBUTE = 'playground.original_span_id';

export interface RunOutcome {
  provider: PlaygroundProvider;
  model: string;
  baseUrl?: string;
  messages: PlaygroundMessage[];
  parameters: PlaygroundParameters;
  variables: Record<string, string>;
  text: string;
  startTime: number;
  endTime: number;
  firstTokenMs?: number;
  responseModel?: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReason?: string;
  error?: { type: string; message: string };
}

export const newSpanId = () => randomBytes(8).toString('hex');
export const newTraceId = () => randomBytes(16).toString('hex');

/**
 * A playground run as an llm span: a child of the original (same trace, same session), so the
 * trace view lists it under the call it re-ran, and linked by attribute. Usage attributes are the
 * GenAI ones, so ingest prices it like any other call. The base URL is stored without user info
 * (where a key could hide); the key itself is never part of the span.
 */
export function runSpanRecord(run: RunOutcome, ids: { traceId: string; spanId: string }, original: Span | undefined): Record<string, unknown> {
  const p = run.parameters;
  const attributes: Record<string, string | number | boolean | string[]> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': run.provider,
    'gen_ai.request.model': run.model,
    'playground.run': true,
  };
  const put = (key: string, value: string | number | string[] | undefined) => {
    if (value !== undefined) attributes[key] = value;
  };
  put('gen_ai.response.model', run.responseModel);
  put('gen_ai.usage.input_tokens', run.inputTokens);
  put('gen_ai.usage.output_tokens', run.outputTokens);
  put('gen_ai.request.temperature', p.temperature);
  put('gen_ai.request.max_tokens', p.maxTokens);
  put('gen_ai.request.top_p', p.topP);
  put('gen_ai.request.stop_sequences', p.stop);
  put('gen_ai.response.finish_reasons', run.finishReason ? [run.finishReason] : undefined);
  put('playground.time_to_first_token_ms', run.firstTokenMs);
  put('server.address', run.baseUrl ? safeUrl(run.baseUrl) : undefined);
  if (Object.keys(run.variables).length) put('playground.variables', JSON.stringify(run.variables));
  if (original) {
    put(ORIGINAL_SPAN_ATTRIBUTE, original.spanId);
    put('playground.original_trace_id', original.traceId);
  }
  return {
    traceId: ids.traceId,
    spanId: ids.spanId,
    parentSpanId: original?.spanId ?? null,
    sessionId: original?.sessionId ?? null,
    service: 'playground',
    name: `playground ${run.model}`,
    kind: 'llm',
    startTime: run.startTime,
    endTime: run.endTime,
    status: run.error ? 'error' : 'ok',
    input: run.messages,
    output: [{ role: 'assistant', parts: [{ type: 'text', content: run.text }], ...(run.finishReason ? { finish_reason: run.finishReason } : {}) }],
    ...(run.error ? { error: run.error } : {}),
    attributes,
  };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'invalid url';
  }
}
