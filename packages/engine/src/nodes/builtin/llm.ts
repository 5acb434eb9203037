import { NodeFailure, permanent } from '../../errors.js';
import { toText } from '../../expr/index.js';
import type { LlmMessage } from '../../ports.js';
import type { NodeType } from '../types.js';

function history(raw: unknown): LlmMessage[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (!Array.isArray(raw)) throw permanent('CONFIG_INVALID', '"messages" must be a list of { role, content }', 'messages');
  return raw.map((m, i) => {
    const role = (m as { role?: unknown } | null)?.role;
    const content = (m as { content?: unknown } | null)?.content;
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      throw permanent('CONFIG_INVALID', `messages[${i}].role must be "user", "assistant" or "system"`, 'messages');
    }
    return { role, content: toText(content) };
  });
}

/** A chat completion through the official OpenAI or Anthropic client. */
export const llmNode: NodeType = {
  info: {
    type: 'llm',
    name: 'LLM',
    category: 'ai',
    description:
      'A chat completion through the official openai or @anthropic-ai/sdk client; any OpenAI-compatible server works through the base URL. Outputs { text, json?, model, usage, finishReason }; tokens go on the span as gen_ai.* attributes.',
    fields: [
      {
        name: 'provider',
        label: 'Provider',
        type: 'select',
        default: 'openai',
        help: 'openai also covers OpenAI-compatible servers (vLLM, Ollama, LM Studio, OpenRouter…).',
        options: [
          { value: 'openai', label: 'OpenAI / compatible' },
          { value: 'anthropic', label: 'Anthropic' },
        ],
      },
      { name: 'model', label: 'Model', type: 'string', required: true, help: 'Example: gpt-4o-mini, claude-sonnet-4-5' },
      { name: 'baseUrl', label: 'Base URL', type: 'string', help: 'Leave empty for the provider\'s API. Example: http://localhost:11434/v1' },
      { name: 'apiKey', label: 'API key', type: 'string', required: true, help: 'Use a secret: {{ secrets.OPENAI_API_KEY }}' },
      { name: 'system', label: 'System prompt', type: 'text', help: 'Instructions for the model.' },
      { name: 'messages', label: 'Earlier messages', type: 'json', help: 'A conversation before the prompt: [{ "role": "user", "content": "…" }, …]' },
      { name: 'prompt', label: 'Prompt', type: 'text', required: true, help: 'The user message. Example: Summarize: {{ input.body }}' },
      { name: 'temperature', label: 'Temperature', type: 'number', min: 0, max: 2, help: 'Sampling temperature.' },
      { name: 'maxTokens', label: 'Max tokens', type: 'number', default: 1024, min: 1, max: 1_000_000, help: 'Limit of the answer.' },
      { name: 'json', label: 'JSON answer', type: 'boolean', default: false, help: 'Ask for JSON and parse it into output.json.' },
      { name: 'timeoutMs', label: 'Timeout (ms)', type: 'number', default: 120_000, min: 1, max: 3_600_000, help: 'Time limit of the call.' },
    ],
    outputs: ['main'],
  },
  run: async (context) => {
    const llm = context.services.llm;
    if (!llm) throw permanent('INTERNAL', 'this engine was started without an LLM client');
    const { config } = context;
    const provider = config.provider === 'anthropic' ? 'anthropic' : 'openai';
    const messages: LlmMessage[] = [];
    if (config.system) messages.push({ role: 'system', content: toText(config.system) });
    messages.push(...history(config.messages), { role: 'user', content: toText(config.prompt) });
    const model = toText(config.model);
    context.setAttributes({ 'gen_ai.system': provider, 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model });
    const response = await llm.complete({
      provider,
      model,
      baseUrl: config.baseUrl ? toText(config.baseUrl) : undefined,
      apiKey: toText(config.apiKey),
      messages,
      temperature: typeof config.temperature === 'number' ? config.temperature : undefined,
      maxTokens: typeof config.maxTokens === 'number' ? config.maxTokens : undefined,
      json: config.json === true,
      timeoutMs: config.timeoutMs as number,
      signal: context.signal,
    });
    const usage = {
      inputTokens: response.inputTokens ?? null,
      outputTokens: response.outputTokens ?? null,
      totalTokens: response.inputTokens !== undefined && response.outputTokens !== undefined ? response.inputTokens + response.outputTokens : null,
    };
    context.setAttributes({
      'gen_ai.response.model': response.model,
      ...(response.inputTokens !== undefined ? { 'gen_ai.usage.input_tokens': response.inputTokens } : {}),
      ...(response.outputTokens !== undefined ? { 'gen_ai.usage.output_tokens': response.outputTokens } : {}),
      ...(response.finishReason ? { 'gen_ai.response.finish_reasons': [response.finishReason] } : {}),
    });
    const output: Record<string, unknown> = { text: response.text, model: response.model, usage, finishReason: response.finishReason ?? null };
    if (config.json === true) {
      try {
        output.json = JSON.parse(stripFence(response.text)) as unknown;
      } catch {
        throw new NodeFailure('LLM_ERROR', `the model was asked for JSON but answered: ${response.text.slice(0, 300)}`, { details: output });
      }
    }
    return { output };
  },
};

/** Models often wrap JSON in a ```json fence despite being asked not to. */
function stripFence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return match?.[1] ?? text;
}
