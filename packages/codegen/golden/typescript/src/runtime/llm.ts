import { NodeFailure, permanent } from '../engine/errors.js';
import { toText } from '../engine/expr/index.js';
import { send } from './http.js';
import type { HttpResponse } from './http.js';

/**
 * The llm node over plain HTTP: OpenAI-compatible chat completions (any server with baseUrl) and
 * Anthropic's messages API; outputs { text, json?, model, usage, finishReason } like the engine.
 */

type Message = { role: string; content: string };

function history(raw: unknown): Message[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((m): m is { role: string; content: unknown } => m !== null && typeof m === 'object' && ['user', 'assistant', 'system'].includes((m as { role?: string }).role ?? ''))
    .map((m) => ({ role: m.role, content: toText(m.content) }));
}

function answer(response: HttpResponse): Record<string, unknown> {
  if (response.status >= 400) throw new NodeFailure('LLM_ERROR', `the model answered ${response.status}: ${response.body.slice(0, 300)}`, { status: response.status });
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw permanent('LLM_ERROR', `the model's answer is not JSON: ${response.body.slice(0, 200)}`);
  }
}

function output(text: string, model: unknown, input: number | undefined, out: number | undefined, finish: unknown): Record<string, unknown> {
  const usage = { inputTokens: input ?? null, outputTokens: out ?? null, totalTokens: input !== undefined && out !== undefined ? input + out : null };
  return { text, model, usage, finishReason: finish ?? null };
}

export async function chat(config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const anthropic = config.provider === 'anthropic';
  const messages: Message[] = [];
  if (config.system) messages.push({ role: 'system', content: toText(config.system) });
  messages.push(...history(config.messages), { role: 'user', content: toText(config.prompt) });
  const model = toText(config.model);
  const key = toText(config.apiKey);
  const timeoutMs = config.timeoutMs as number;
  let result: Record<string, unknown>;
  if (!anthropic) {
    const base = (toText(config.baseUrl) || 'https://api.openai.com/v1').replace(/\/+$/, '');
    const body: Record<string, unknown> = { model, messages, max_tokens: config.maxTokens };
    if (typeof config.temperature === 'number') body.temperature = config.temperature;
    if (config.json === true) body.response_format = { type: 'json_object' };
    const data = answer(await send({ method: 'POST', url: `${base}/chat/completions`, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body), timeoutMs }));
    const choice = ((data.choices as Record<string, unknown>[] | undefined) ?? [{}])[0] ?? {};
    const usage = (data.usage ?? {}) as { prompt_tokens?: number; completion_tokens?: number };
    result = output(toText((choice.message as { content?: unknown } | undefined)?.content), data.model ?? model, usage.prompt_tokens, usage.completion_tokens, choice.finish_reason);
  } else {
    const base = (toText(config.baseUrl) || 'https://api.anthropic.com').replace(/\/+$/, '');
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    const body: Record<string, unknown> = { model, max_tokens: config.maxTokens, messages: messages.filter((m) => m.role !== 'system') };
    if (system) body.system = system;
    const headers = { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' };
    const data = answer(await send({ method: 'POST', url: `${base}/v1/messages`, headers, body: JSON.stringify(body), timeoutMs }));
    const blocks = (data.content as { type?: string; text?: unknown }[] | undefined) ?? [];
    const usage = (data.usage ?? {}) as { input_tokens?: number; output_tokens?: number };
    result = output(blocks.filter((b) => b.type === 'text').map((b) => toText(b.text)).join(''), data.model ?? model, usage.input_tokens, usage.output_tokens, data.stop_reason);
  }
  if (config.json === true) {
    const text = result.text as string;
    const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
    try {
      result.json = JSON.parse(fenced?.[1] ?? text) as unknown;
    } catch {
      throw new NodeFailure('LLM_ERROR', `the model was asked for JSON but answered: ${text.slice(0, 300)}`, { details: result });
    }
  }
  return result;
}
