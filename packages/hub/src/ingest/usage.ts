import type { Attributes, SpanUsage } from '@runtime-hub/protocol';

/**
 * Derives model and token counts from OpenTelemetry GenAI attributes, current names first, then
 * the legacy ones that older instrumentations still send.
 */
export function deriveUsage(attributes: Attributes | undefined): SpanUsage {
  if (!attributes) return {};
  const usage: SpanUsage = {};
  const model = firstString(attributes, 'gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name');
  if (model !== undefined) usage.model = model;
  const input = firstNumber(attributes, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt');
  if (input !== undefined) usage.inputTokens = input;
  const output = firstNumber(
    attributes,
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
  );
  if (output !== undefined) usage.outputTokens = output;
  return usage;
}

function firstString(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

function firstNumber(attributes: Attributes, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = attributes[key];
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
  }
  return undefined;
}
