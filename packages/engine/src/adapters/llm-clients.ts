import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { NodeFailure, errnoOf } from '../errors.js';
import type { LlmClient, LlmRequest, LlmResponse } from '../ports.js';

/**
 * Chat completions through the official clients: `openai` (and every OpenAI-compatible server,
 * through the base URL) and `@anthropic-ai/sdk`. The clients' own retries are off — the node's
 * retry policy decides, from the HTTP status (429, 5xx) or the network error code.
 */
export function officialLlmClients(): LlmClient {
  const openai = new Map<string, OpenAI>();
  const anthropic = new Map<string, Anthropic>();
  const cached = <T>(map: Map<string, T>, key: string, make: () => T): T => {
    let client = map.get(key);
    if (!client) {
      if (map.size > 100) map.clear();
      client = make();
      map.set(key, client);
    }
    return client;
  };

  return {
    async complete(request: LlmRequest): Promise<LlmResponse> {
      const key = `${request.baseUrl ?? ''}\u0000${request.apiKey}\u0000${request.timeoutMs}`;
      try {
        if (request.provider === 'anthropic') {
          const client = cached(anthropic, key, () => new Anthropic({ apiKey: request.apiKey, baseURL: request.baseUrl, timeout: request.timeoutMs, maxRetries: 0 }));
          return await callAnthropic(client, request);
        }
        const client = cached(openai, key, () => new OpenAI({ apiKey: request.apiKey, baseURL: request.baseUrl, timeout: request.timeoutMs, maxRetries: 0 }));
        return await callOpenAi(client, request);
      } catch (error) {
        throw describeLlmError(error, request);
      }
    },
  };
}

async function callOpenAi(client: OpenAI, request: LlmRequest): Promise<LlmResponse> {
  const completion = await client.chat.completions.create(
    {
      model: request.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
    },
    { signal: request.signal },
  );
  const choice = completion.choices[0];
  const response: LlmResponse = { text: choice?.message?.content ?? '', model: completion.model || request.model };
  if (completion.usage) {
    response.inputTokens = completion.usage.prompt_tokens;
    response.outputTokens = completion.usage.completion_tokens;
  }
  if (choice?.finish_reason) response.finishReason = choice.finish_reason;
  return response;
}

async function callAnthropic(client: Anthropic, request: LlmRequest): Promise<LlmResponse> {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const messages = request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
  const message = await client.messages.create(
    {
      model: request.model,
      max_tokens: request.maxTokens ?? 1024,
      messages,
      ...(system ? { system: request.json ? `${system}\n\nAnswer with JSON only.` : system } : request.json ? { system: 'Answer with JSON only.' } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    },
    { signal: request.signal },
  );
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  const response: LlmResponse = { text, model: message.model || request.model, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
  if (message.stop_reason) response.finishReason = message.stop_reason;
  return response;
}

function describeLlmError(error: unknown, request: LlmRequest): unknown {
  if (request.signal.aborted) return error;
  const where = `${request.provider} ${request.model}`;
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError) {
    return new NodeFailure('ETIMEDOUT', `${where}: no answer within ${request.timeoutMs} ms`);
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    return new NodeFailure(errnoOf(error) ?? 'ECONNRESET', `${where}: ${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`);
  }
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    return new NodeFailure('LLM_ERROR', `${where} answered ${status ?? 'an error'}: ${error.message}`, { status });
  }
  return error;
}
