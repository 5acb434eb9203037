import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { toAnthropic, toOpenAi, type PlaygroundMessage } from './messages.js';

export type PlaygroundProvider = 'openai' | 'anthropic' | 'openai-compatible';

export interface PlaygroundParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
}

export interface ProviderCall {
  provider: PlaygroundProvider;
  model: string;
  baseUrl?: string;
  apiKey: string;
  messages: PlaygroundMessage[];
  parameters: PlaygroundParameters;
  stream: boolean;
  signal: AbortSignal;
  timeoutMs: number;
}

export type ProviderEvent =
  | { type: 'delta'; text: string }
  | { type: 'end'; model?: string; inputTokens?: number; outputTokens?: number; finishReason?: string };

/**
 * One chat call through the official clients (`openai` for OpenAI and OpenAI-compatible servers,
 * `@anthropic-ai/sdk` for Anthropic), as text deltas then an end event with usage. A call without
 * streaming yields its whole text as one delta. The clients' retries are off: a playground run is
 * one attempt, shown as it went.
 */
export async function* callProvider(call: ProviderCall): AsyncGenerator<ProviderEvent> {
  if (call.provider === 'anthropic') yield* callAnthropic(call);
  else yield* callOpenAi(call);
}

async function* callOpenAi(call: ProviderCall): AsyncGenerator<ProviderEvent> {
  const client = new OpenAI({ apiKey: call.apiKey, baseURL: call.baseUrl, maxRetries: 0, timeout: call.timeoutMs });
  const p = call.parameters;
  const body = {
    model: call.model,
    messages: toOpenAi(call.messages) as OpenAI.Chat.ChatCompletionMessageParam[],
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
    ...(p.topP !== undefined ? { top_p: p.topP } : {}),
    ...(p.stop?.length ? { stop: p.stop } : {}),
  };
  if (!call.stream) {
    const done = await client.chat.completions.create(body, { signal: call.signal });
    const choice = done.choices[0];
    yield { type: 'delta', text: choice?.message?.content ?? '' };
    yield { type: 'end', model: done.model, inputTokens: done.usage?.prompt_tokens, outputTokens: done.usage?.completion_tokens, finishReason: choice?.finish_reason ?? undefined };
    return;
  }
  const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: call.signal });
  const end: Extract<ProviderEvent, { type: 'end' }> = { type: 'end' };
  for await (const chunk of stream) {
    if (chunk.model) end.model = chunk.model;
    if (chunk.usage) {
      end.inputTokens = chunk.usage.prompt_tokens;
      end.outputTokens = chunk.usage.completion_tokens;
    }
    const choice = chunk.choices[0];
    if (choice?.finish_reason) end.finishReason = choice.finish_reason;
    if (choice?.delta?.content) yield { type: 'delta', text: choice.delta.content };
  }
  yield end;
}

async function* callAnthropic(call: ProviderCall): AsyncGenerator<ProviderEvent> {
  const client = new Anthropic({ apiKey: call.apiKey, baseURL: call.baseUrl, maxRetries: 0, timeout: call.timeoutMs });
  const p = call.parameters;
  const { system, messages } = toAnthropic(call.messages);
  const body = {
    model: call.model,
    max_tokens: p.maxTokens ?? 1024,
    messages: messages as Anthropic.MessageParam[],
    ...(system ? { system } : {}),
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.topP !== undefined ? { top_p: p.topP } : {}),
    ...(p.stop?.length ? { stop_sequences: p.stop } : {}),
  };
  if (!call.stream) {
    const message = await client.messages.create(body, { signal: call.signal });
    yield { type: 'delta', text: message.content.map((b) => (b.type === 'text' ? b.text : '')).join('') };
    yield { type: 'end', model: message.model, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens, finishReason: message.stop_reason ?? undefined };
    return;
  }
  const stream = await client.messages.create({ ...body, stream: true }, { signal: call.signal });
  const end: Extract<ProviderEvent, { type: 'end' }> = { type: 'end' };
  for await (const event of stream) {
    if (event.type === 'message_start') {
      end.model = event.message.model;
      end.inputTokens = event.message.usage.input_tokens;
    } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      yield { type: 'delta', text: event.delta.text };
    } else if (event.type === 'message_delta') {
      end.outputTokens = event.usage.output_tokens;
      if (event.delta.stop_reason) end.finishReason = event.delta.stop_reason;
    }
  }
  yield end;
}

/** A provider failure as one line for the user: status and the provider's message, never the key. */
export function describeProviderError(error: unknown, where: string, apiKey: string): { message: string; status?: number } {
  let message = error instanceof Error ? error.message : String(error);
  let status: number | undefined;
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) status = typeof error.status === 'number' ? error.status : undefined;
  if (error instanceof Error && error.cause instanceof Error) message += `: ${error.cause.message}`;
  // Providers quote a wrong key back ("Incorrect API key provided: sk-…"): never pass it on.
  if (apiKey.length >= 4) message = message.split(apiKey).join('[key]');
  message = message.replace(/\b(sk|sk-ant|key)-[A-Za-z0-9_*-]{6,}/g, '[key]');
  return { message: `${where}${status ? ` answered ${status}` : ''}: ${message}`, ...(status ? { status } : {}) };
}
