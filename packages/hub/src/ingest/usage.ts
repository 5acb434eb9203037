import type { Attributes, SpanUsage } from '@runtime-hub/protocol';

/**
 * The hub's one GenAI usage vocabulary: which attribute names say the model, the token counts and
 * the prompt-cache counts of an LLM call, in every dialect the hub reads. Every span source (SDKs,
 * JSONL files, hooks, OTLP) is read with this table at encode time, so the same attributes give
 * the same tokens and cost whichever way they arrived. First present name wins.
 *
 * Sources: OpenTelemetry GenAI semantic conventions (current and legacy names, and
 * `gen_ai.usage.cache_write.input_tokens` written by opentelemetry-util-genai), OpenInference
 * (`llm.*`, `embedding.model_name`), OpenLLMetry (`llm.usage.*`), Anthropic-style underscores.
 */
export const USAGE_VOCABULARY = {
  model: ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'embedding.model_name', 'llm.response.model', 'llm.request.model'],
  inputTokens: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'],
  outputTokens: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'llm.usage.completion_tokens'],
  cacheReadTokens: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'gen_ai.usage.input_tokens.cached',
    'llm.token_count.prompt_details.cache_read',
  ],
  cacheWriteTokens: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'gen_ai.usage.input_tokens.cache_write',
    'llm.token_count.prompt_details.cache_write',
  ],
} as const;

/**
 * Vercel AI SDK names (`experimental_telemetry`). Read only on the provider-call spans
 * (`ai.generateText.doGenerate`, `ai.streamText.doStream`, `ai.embed.doEmbed`, ...): the outer
 * `ai.generateText` span repeats the totals of its steps, and counting both would count twice.
 */
const VERCEL_VOCABULARY: Record<keyof typeof USAGE_VOCABULARY, readonly string[]> = {
  model: ['ai.response.model', 'ai.model.id'],
  inputTokens: ['ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens'],
  outputTokens: ['ai.usage.outputTokens', 'ai.usage.completionTokens'],
  cacheReadTokens: ['ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens'],
  cacheWriteTokens: ['ai.usage.inputTokenDetails.cacheWriteTokens'],
};
const VERCEL_PROVIDER_CALL = /^ai\.\w+\.do(?:Generate|Stream|Embed)$/;

/** Whether a span is a Vercel AI SDK provider call (the span that carries one call's usage). */
export function isVercelProviderCall(attributes: Attributes): boolean {
  const operation = attributes['ai.operationId'];
  return typeof operation === 'string' && VERCEL_PROVIDER_CALL.test(operation);
}

/** Prompt-cache token counts of one call (part of, or apart from, its input tokens). */
export interface CacheTokens {
  cacheRead?: number;
  cacheWrite?: number;
}

/**
 * Model and token counts of an LLM span, read with the one vocabulary.
 *
 * @example
 *   deriveUsage({ 'llm.model_name': 'gpt-4o', 'llm.usage.prompt_tokens': 10 }) // { model: 'gpt-4o', inputTokens: 10 }
 */
export function deriveUsage(attributes: Attributes | undefined): SpanUsage {
  if (!attributes) return {};
  const usage: SpanUsage = {};
  const model = read(attributes, 'model', firstString);
  if (model !== undefined) usage.model = model;
  const input = read(attributes, 'inputTokens', firstCount);
  if (input !== undefined) usage.inputTokens = input;
  const output = read(attributes, 'outputTokens', firstCount);
  if (output !== undefined) usage.outputTokens = output;
  return usage;
}

/** Cache read and write token counts, read with the same vocabulary (the pricer uses them). */
export function deriveCacheTokens(attributes: Attributes | undefined): CacheTokens {
  if (!attributes) return {};
  const tokens: CacheTokens = {};
  const cacheRead = read(attributes, 'cacheReadTokens', firstCount);
  if (cacheRead !== undefined) tokens.cacheRead = cacheRead;
  const cacheWrite = read(attributes, 'cacheWriteTokens', firstCount);
  if (cacheWrite !== undefined) tokens.cacheWrite = cacheWrite;
  return tokens;
}

function read<T>(attributes: Attributes, field: keyof typeof USAGE_VOCABULARY, pick: (a: Attributes, keys: readonly string[]) => T | undefined): T | undefined {
  const value = pick(attributes, USAGE_VOCABULARY[field]);
  if (value !== undefined || !isVercelProviderCall(attributes)) return value;
  return pick(attributes, VERCEL_VOCABULARY[field]);
}

function firstString(attributes: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

function firstCount(attributes: Attributes, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = attributes[key];
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
  }
  return undefined;
}
