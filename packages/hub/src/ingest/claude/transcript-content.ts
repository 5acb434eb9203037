import type { Attributes } from '@runtime-hub/protocol';
import { limitString, limitValue } from './limit-value.js';

/** Helpers that read the parts of Claude Code transcript lines (message content, usage). */

export interface ContentBlock {
  type: string;
  [field: string]: unknown;
}

export function blocksOf(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((b): b is ContentBlock => b !== null && typeof b === 'object' && typeof (b as ContentBlock).type === 'string');
}

/** The text a user typed (text blocks joined), or undefined when the message holds only tool results. */
export function promptText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  const texts = blocksOf(content)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** An assistant content block as kept in an llm span's output: readable, bounded. */
export function outputBlock(block: ContentBlock): ContentBlock | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: limitString(String(block.text ?? ''), 16_384) };
    case 'thinking':
      return { type: 'thinking', thinking: limitString(String(block.thinking ?? ''), 8_192) };
    case 'redacted_thinking':
      return { type: 'redacted_thinking' };
    case 'tool_use':
    case 'server_tool_use':
      return { type: block.type, id: block.id, name: block.name, input: limitValue(block.input) };
    default:
      return { type: block.type };
  }
}

/** What the model saw as a tool's result, as text where it is text. */
export function toolResultOutput(content: unknown): unknown {
  if (typeof content === 'string') return limitString(content, 16_384);
  const blocks = blocksOf(content);
  if (blocks.length > 0 && blocks.every((b) => b.type === 'text')) {
    return limitString(blocks.map((b) => String(b.text ?? '')).join('\n'), 16_384);
  }
  return limitValue(content);
}

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export function readUsage(value: unknown): Usage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  const out: Usage = {};
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const n = u[key];
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) out[key] = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * OpenTelemetry GenAI attributes for one Anthropic response. `gen_ai.usage.input_tokens` counts
 * every input token, cached or not, as the semantic conventions ask; the cache reads and writes
 * are also given on their own (Anthropic's `input_tokens` alone excludes them).
 */
export function llmAttributes(model: string | undefined, messageId: string, usage: Usage | undefined, stopReason: string | undefined): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.system': 'anthropic',
    'gen_ai.response.id': messageId,
  };
  if (model) {
    attributes['gen_ai.request.model'] = model;
    attributes['gen_ai.response.model'] = model;
  }
  if (stopReason) attributes['gen_ai.response.finish_reasons'] = [stopReason];
  if (usage) {
    const cacheRead = usage.cache_read_input_tokens ?? 0;
    const cacheWrite = usage.cache_creation_input_tokens ?? 0;
    if (usage.input_tokens !== undefined) attributes['gen_ai.usage.input_tokens'] = usage.input_tokens + cacheRead + cacheWrite;
    if (usage.output_tokens !== undefined) attributes['gen_ai.usage.output_tokens'] = usage.output_tokens;
    if (usage.cache_read_input_tokens !== undefined) attributes['gen_ai.usage.cache_read.input_tokens'] = cacheRead;
    if (usage.cache_creation_input_tokens !== undefined) attributes['gen_ai.usage.cache_creation.input_tokens'] = cacheWrite;
  }
  return attributes;
}

export function oneLine(text: string, max = 80): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}
