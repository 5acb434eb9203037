import { HubError, type Span } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import type { PlaygroundKeyStore } from './key-store.js';
import { substitute, type PlaygroundMessage } from './messages.js';
import { callProvider, describeProviderError, type PlaygroundParameters, type PlaygroundProvider } from './providers.js';
import { newSpanId, newTraceId, runSpanRecord, type RunOutcome } from './run-span.js';

export interface RunRequest {
  spanId?: string;
  provider: PlaygroundProvider;
  model: string;
  baseUrl?: string;
  keyName?: string;
  messages: PlaygroundMessage[];
  variables: Record<string, string>;
  parameters: PlaygroundParameters;
  stream: boolean;
}

/** What a finished run reports: the stored span's ids, the answer, usage, cost and latency. */
export interface RunSummary {
  traceId: string;
  spanId: string;
  originalSpanId: string | null;
  provider: PlaygroundProvider;
  model: string;
  text: string;
  status: 'ok' | 'error';
  error?: { code: 'LLM_ERROR'; message: string; status?: number };
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  latencyMs: number;
  firstTokenMs?: number;
  unresolvedVariables: string[];
}

export type RunEvent = { type: 'start'; traceId: string; spanId: string } | { type: 'delta'; text: string } | { type: 'done'; run: RunSummary };

const TIMEOUT_MS = 120_000;
const ENV_KEYS: Partial<Record<PlaygroundProvider, string>> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };
const sameUrl = (a?: string, b?: string) => (a ?? '').replace(/\/+$/, '') === (b ?? '').replace(/\/+$/, '');

/**
 * The key for a run, checked before anything is sent: a stored key goes only to the server it was
 * saved for (the official endpoint when saved without a base URL), so a run cannot carry the
 * OpenAI key to another host. Official providers fall back to OPENAI_API_KEY / ANTHROPIC_API_KEY
 * of the hub's environment; an OpenAI-compatible server without a key gets a placeholder
 * (local servers ignore it).
 */
export async function resolveKey(keys: PlaygroundKeyStore, request: RunRequest, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const name = request.keyName ?? (request.provider === 'openai-compatible' ? undefined : request.provider);
  if (name === undefined) return 'no-key';
  const stored = await keys.reveal(name);
  if (stored) {
    if (!sameUrl(stored.baseUrl, request.baseUrl)) {
      throw new HubError('PLAYGROUND_KEY_MISSING', `key "${name}" is saved for ${stored.baseUrl ?? `the official ${request.provider} endpoint`}, not for ${request.baseUrl ?? 'the official endpoint'}; save a key for this server`, { keyName: name });
    }
    return stored.value;
  }
  const envName = ENV_KEYS[request.provider];
  if (envName && !request.baseUrl && env[envName]) return env[envName]!;
  throw new HubError('PLAYGROUND_KEY_MISSING', `no playground key "${name}": PUT /api/v1/playground/keys/${name} { "value": "…"${request.baseUrl ? ', "baseUrl": "…"' : ''} }`, { keyName: name });
}

/** Checks the request, then runs it: events as they come; the span is stored before `done`. */
export async function startRun(ctx: HubContext, keys: PlaygroundKeyStore, request: RunRequest, signal: AbortSignal): Promise<AsyncGenerator<RunEvent>> {
  if (request.provider === 'openai-compatible' && !request.baseUrl) throw new HubError('INVALID_BODY', 'baseUrl: an openai-compatible provider needs the server\'s base URL (e.g. http://localhost:11434/v1)');
  let original: Span | undefined;
  if (request.spanId) {
    original = await ctx.store.getSpan(request.spanId);
    if (!original) throw new HubError('SPAN_NOT_FOUND', `spanId: no span with id ${request.spanId}`);
  }
  const apiKey = await resolveKey(keys, request);
  return run(ctx, request, original, apiKey, signal);
}

async function* run(ctx: HubContext, request: RunRequest, original: Span | undefined, apiKey: string, signal: AbortSignal): AsyncGenerator<RunEvent> {
  const ids = { traceId: original?.traceId ?? newTraceId(), spanId: newSpanId() };
  const { messages, unresolved } = substitute(request.messages, request.variables);
  const outcome: RunOutcome = { ...request, messages, text: '', startTime: Date.now(), endTime: 0 };
  yield { type: 'start', ...ids };
  let failure: RunSummary['error'];
  try {
    const events = callProvider({ ...request, messages, apiKey, signal, timeoutMs: TIMEOUT_MS });
    for await (const event of events) {
      if (event.type === 'delta') {
        outcome.firstTokenMs ??= Date.now() - outcome.startTime;
        outcome.text += event.text;
        yield event;
      } else {
        Object.assign(outcome, { responseModel: event.model, inputTokens: event.inputTokens, outputTokens: event.outputTokens, finishReason: event.finishReason });
      }
    }
  } catch (error) {
    const described = describeProviderError(error, `${request.provider} ${request.model}`, apiKey);
    failure = { code: 'LLM_ERROR', ...described };
    outcome.error = { type: signal.aborted ? 'Aborted' : 'LLM_ERROR', message: described.message };
  }
  if (signal.aborted && !failure) {
    // The official clients end an aborted stream quietly: the answer was cut short, not finished.
    failure = { code: 'LLM_ERROR', message: 'the client went away before the answer was complete' };
    outcome.error = { type: 'Aborted', message: failure.message };
  }
  outcome.endTime = Date.now();
  const result = await ctx.ingest([runSpanRecord(outcome, ids, original)]);
  if (result.rejected.length) ctx.log.warn({ rejected: result.rejected }, 'playground run span rejected');
  const stored = await ctx.store.getSpan(ids.spanId);
  const summary: RunSummary = {
    ...ids,
    originalSpanId: original?.spanId ?? null,
    provider: request.provider,
    model: outcome.responseModel ?? request.model,
    text: outcome.text,
    status: failure ? 'error' : 'ok',
    latencyMs: outcome.endTime - outcome.startTime,
    unresolvedVariables: unresolved,
  };
  if (failure) summary.error = failure;
  for (const [key, value] of [
    ['finishReason', outcome.finishReason],
    ['firstTokenMs', outcome.firstTokenMs],
    ['inputTokens', stored?.usage?.inputTokens ?? outcome.inputTokens],
    ['outputTokens', stored?.usage?.outputTokens ?? outcome.outputTokens],
    ['costUsd', stored?.usage?.costUsd],
  ] as const) {
    if (value !== undefined) (summary as unknown as Record<string, unknown>)[key] = value;
  }
  yield { type: 'done', run: summary };
}
