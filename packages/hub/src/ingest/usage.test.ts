import type { Attributes, Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { deriveCacheTokens, deriveUsage } from './usage.js';

/** The one vocabulary, one table: attributes as each dialect writes them → what the hub reads. */
const TABLE: [string, Attributes, ReturnType<typeof deriveUsage> & ReturnType<typeof deriveCacheTokens>][] = [
  ['GenAI current', { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 }, { model: 'gpt-4o-2024-08-06', inputTokens: 10, outputTokens: 2 }],
  ['GenAI legacy', { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.completion_tokens': 2 }, { model: 'gpt-4o', inputTokens: 10, outputTokens: 2 }],
  ['GenAI cache (semconv)', { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 4, 'gen_ai.usage.cache_creation.input_tokens': 3 }, { inputTokens: 10, cacheRead: 4, cacheWrite: 3 }],
  ['GenAI cache write (opentelemetry-util-genai)', { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_write.input_tokens': 3 }, { inputTokens: 10, cacheWrite: 3 }],
  ['Anthropic-style underscores', { 'gen_ai.usage.cache_read_input_tokens': 4, 'gen_ai.usage.cache_creation_input_tokens': 3 }, { cacheRead: 4, cacheWrite: 3 }],
  ['OpenLLMetry', { 'llm.request.model': 'claude-3-5-haiku', 'llm.usage.prompt_tokens': 10, 'llm.usage.completion_tokens': 2 }, { model: 'claude-3-5-haiku', inputTokens: 10, outputTokens: 2 }],
  ['OpenInference LLM', { 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 10, 'llm.token_count.completion': 2, 'llm.token_count.prompt_details.cache_read': 4, 'llm.token_count.prompt_details.cache_write': 1 }, { model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 2, cacheRead: 4, cacheWrite: 1 }],
  ['OpenInference embedding', { 'embedding.model_name': 'text-embedding-3-small', 'llm.token_count.prompt': 10 }, { model: 'text-embedding-3-small', inputTokens: 10 }],
  ['Vercel provider call', { 'ai.operationId': 'ai.embed.doEmbed', 'ai.model.id': 'text-embedding-3-small', 'ai.usage.tokens': 10 }, { model: 'text-embedding-3-small', inputTokens: 10 }],
  ['Vercel v6 cache', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.usage.inputTokens': 10, 'ai.usage.inputTokenDetails.cacheReadTokens': 4, 'ai.usage.inputTokenDetails.cacheWriteTokens': 3 }, { inputTokens: 10, cacheRead: 4, cacheWrite: 3 }],
  ['Vercel v5 cache', { 'ai.operationId': 'ai.streamText.doStream', 'ai.usage.promptTokens': 10, 'ai.usage.cachedInputTokens': 4 }, { inputTokens: 10, cacheRead: 4 }],
  ['Vercel outer span (totals of its steps: not counted again)', { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt-4o', 'ai.usage.promptTokens': 10 }, {}],
  ['numbers as strings', { 'gen_ai.usage.input_tokens': '10', 'gen_ai.usage.output_tokens': ' ' }, { inputTokens: 10 }],
];

describe('the one GenAI usage vocabulary', () => {
  it.each(TABLE)('%s', (_label, attributes, expected) => {
    expect({ ...deriveUsage(attributes), ...deriveCacheTokens(attributes) }).toEqual(expected);
  });
});

describe('the same usage and cost whichever way a span arrives', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('an SDK or JSONL span with llm.usage.* gets the tokens and cost it gets over OTLP', async () => {
    const attributes = { 'llm.request.model': 'gpt-4o-mini', 'llm.usage.prompt_tokens': 1000, 'llm.usage.completion_tokens': 100, 'gen_ai.usage.cache_write.input_tokens': 0 };
    const traceId = hexId(32);
    const sdkSpan = spanRecord({ traceId, kind: 'llm', attributes });
    expect((await postSpans(hub.url, [sdkSpan])).status).toBe(200);

    const otlpTrace = hexId(32);
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otlp' } }] },
        scopeSpans: [{
          spans: [{
            traceId: otlpTrace,
            spanId: hexId(16),
            name: 'chat',
            startTimeUnixNano: '1700000000000000000',
            endTimeUnixNano: '1700000001000000000',
            attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) } })),
          }],
        }],
      }],
    };
    expect((await fetch(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(200);

    const usageOf = async (id: string) => ((await (await fetch(`${hub.url}/api/v1/traces/${id}`)).json()) as { spans: Span[] }).spans[0]!.usage;
    const expected = { model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 100, costUsd: (1000 * 0.15 + 100 * 0.6) / 1e6 };
    expect(await usageOf(traceId)).toEqual(expected);
    expect(await usageOf(otlpTrace)).toEqual(expected);
  });
});
