import type { Attributes, AttributeValue, SpanKind } from '@runtime-hub/protocol';
import { isVercelProviderCall } from '../usage.js';
import { contentPart, isObject, parseJson, toolCallPart, type GenAiMessage, type GenAiPart } from './messages.js';

/**
 * The Vercel AI SDK's telemetry (`experimental_telemetry`, https://ai-sdk.dev/docs/ai-sdk-core/telemetry):
 * spans carry `ai.operationId` (`ai.generateText`, `ai.generateText.doGenerate`, `ai.toolCall`,
 * `ai.embed.doEmbed`, ...), prompts in `ai.prompt` / `ai.prompt.messages`, answers in
 * `ai.response.text` / `ai.response.toolCalls` / `ai.response.object`, tool calls in
 * `ai.toolCall.*`. Usage is read by the shared vocabulary (ingest/usage.ts).
 */
export interface VercelView {
  kind?: SpanKind;
  input?: unknown;
  output?: unknown;
}

/** Reads and removes the AI SDK's prompt, response and tool attributes; empty for other spans. */
export function takeVercel(attributes: Attributes): VercelView {
  const operation = attributes['ai.operationId'];
  if (typeof operation !== 'string' || !operation.startsWith('ai.')) return {};
  const view: VercelView = {};

  if (operation === 'ai.toolCall') {
    view.kind = 'tool';
    const args = take(attributes, 'ai.toolCall.args') ?? take(attributes, 'ai.toolCall.input');
    if (args !== undefined) view.input = parseJson(args);
    const result = take(attributes, 'ai.toolCall.result') ?? take(attributes, 'ai.toolCall.output');
    if (result !== undefined) view.output = parseJson(result);
    return view;
  }
  if (isVercelProviderCall(attributes)) view.kind = 'llm';

  const messages = take(attributes, 'ai.prompt.messages');
  const prompt = take(attributes, 'ai.prompt');
  if (messages !== undefined) view.input = promptMessages(parseJson(messages));
  else if (prompt !== undefined) view.input = promptObject(parseJson(prompt));
  else {
    const values = take(attributes, 'ai.values') ?? take(attributes, 'ai.value');
    if (values !== undefined) view.input = Array.isArray(values) ? values.map(parseJson) : parseJson(values);
  }

  const parts: GenAiPart[] = [];
  const reasoning = take(attributes, 'ai.response.reasoning');
  if (typeof reasoning === 'string' && reasoning !== '') parts.push({ type: 'reasoning', content: reasoning });
  const text = take(attributes, 'ai.response.text');
  if (typeof text === 'string' && text !== '') parts.push({ type: 'text', content: text });
  const object = take(attributes, 'ai.response.object');
  if (object !== undefined) parts.push({ type: 'text', content: object });
  const calls = parseJson(take(attributes, 'ai.response.toolCalls'));
  if (Array.isArray(calls)) for (const call of calls) parts.push(toolCallPart(call));
  if (parts.length > 0) {
    const answer: GenAiMessage = { role: 'assistant', parts };
    const finish = attributes['ai.response.finishReason'];
    if (typeof finish === 'string') answer.finish_reason = finish;
    view.output = [answer];
  }
  return view;
}

/** `ai.prompt.messages`: the AI SDK's message list (content a string or a list of typed parts). */
function promptMessages(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((message) => {
    if (!isObject(message)) return message;
    const role = typeof message.role === 'string' ? message.role : 'user';
    const content = message.content;
    const parts = typeof content === 'string' ? [{ type: 'text', content }] : Array.isArray(content) ? content.map(contentPart) : [];
    return { role, parts } satisfies GenAiMessage;
  });
}

/** `ai.prompt` on the outer span: `{ system?, prompt?, messages? }`. */
function promptObject(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out: unknown[] = [];
  if (typeof value.system === 'string') out.push({ role: 'system', parts: [{ type: 'text', content: value.system }] });
  if (typeof value.prompt === 'string') out.push({ role: 'user', parts: [{ type: 'text', content: value.prompt }] });
  if (Array.isArray(value.messages)) out.push(...(promptMessages(value.messages) as unknown[]));
  return out.length > 0 ? out : value;
}

function take(attributes: Attributes, key: string): AttributeValue | undefined {
  const value = attributes[key];
  if (value === undefined) return undefined;
  delete attributes[key];
  return value;
}
