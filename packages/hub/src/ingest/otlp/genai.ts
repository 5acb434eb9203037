import type { Attributes, AttributeValue, SpanKind } from '@runtime-hub/protocol';
import { isVercelProviderCall } from '../usage.js';
import { isObject, parseJson, takeIndexed, toGenAiMessage } from './messages.js';
import { takeVercel } from './vercel.js';

/**
 * What an AI span's attributes say, in the hub's terms. The vocabularies read:
 * - OpenTelemetry GenAI semantic conventions, current names (gen_ai.operation.name,
 *   gen_ai.input.messages, ...) and legacy ones (gen_ai.prompt.N.role/content,
 *   gen_ai.completion.N.*, the gen_ai.content.* events);
 * - OpenInference (openinference.span.kind, input.value, output.value, nested
 *   llm.input_messages.N.message.* with tool calls and content parts);
 * - OpenLLMetry / Traceloop kinds (traceloop.span.kind, llm.request.type);
 * - the Vercel AI SDK (vercel.ts).
 * Messages become the one GenAI message shape (messages.ts) in the span's input and output, and
 * leave the attributes. Model and tokens stay attributes: the one usage vocabulary
 * (ingest/usage.ts) reads them at encode time, for every source alike.
 */
export interface AiView {
  kind?: SpanKind;
  input?: unknown;
  output?: unknown;
  sessionId?: string;
}

const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'embeddings', 'embedding']);
const OPENINFERENCE_KINDS: Record<string, SpanKind> = { LLM: 'llm', EMBEDDING: 'llm', TOOL: 'tool', AGENT: 'agent' };
const TRACELOOP_KINDS: Record<string, SpanKind> = { tool: 'tool', agent: 'agent' };

const LEGACY_PROMPT = /^gen_ai\.prompt\.(\d+)\.(.+)$/;
const LEGACY_COMPLETION = /^gen_ai\.completion\.(\d+)\.(.+)$/;
const OPENINFERENCE_INPUT = /^llm\.input_messages\.(\d+)\.message\.(.+)$/;
const OPENINFERENCE_OUTPUT = /^llm\.output_messages\.(\d+)\.message\.(.+)$/;

/**
 * Reads the AI conventions from `attributes`, removes the attributes it moved into input/output,
 * and returns the span's AI view (empty for other spans).
 *
 * @example
 *   const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'Hi' };
 *   applyAiConventions(attributes, []) // { kind: 'llm', input: [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }] }
 */
export function applyAiConventions(attributes: Attributes, events: { name: string; attributes?: Attributes }[]): AiView {
  const view: AiView = {};
  const vercel = takeVercel(attributes);
  const kind = vercel.kind ?? classify(attributes);
  if (kind !== undefined) view.kind = kind;

  const session = firstString(attributes, 'session.id', 'gen_ai.conversation.id');
  if (session !== undefined) view.sessionId = session;

  const input = vercel.input ?? takeInput(attributes, events, view.kind);
  if (input !== undefined) view.input = input;
  const output = vercel.output ?? takeOutput(attributes, events, view.kind);
  if (output !== undefined) view.output = output;
  return view;
}

function classify(attributes: Attributes): SpanKind | undefined {
  const operation = attributes['gen_ai.operation.name'];
  if (typeof operation === 'string') {
    if (LLM_OPERATIONS.has(operation)) return 'llm';
    if (operation === 'execute_tool') return 'tool';
    if (operation === 'invoke_agent' || operation === 'create_agent') return 'agent';
  }
  const openInference = attributes['openinference.span.kind'];
  if (typeof openInference === 'string') {
    const mapped = OPENINFERENCE_KINDS[openInference.toUpperCase()];
    if (mapped !== undefined) return mapped;
  }
  const traceloop = attributes['traceloop.span.kind'];
  if (typeof traceloop === 'string' && TRACELOOP_KINDS[traceloop] !== undefined) return TRACELOOP_KINDS[traceloop];
  if (typeof attributes['llm.request.type'] === 'string') return 'llm';
  if (isVercelProviderCall(attributes)) return 'llm';
  // Instrumentations without an operation name still name a model or count tokens. (The outer
  // Vercel AI SDK spans name a model in ai.model.id too, but are not themselves a call.)
  for (const key of ['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.model_name', 'embedding.model_name']) {
    if (attributes[key] !== undefined) return 'llm';
  }
  return undefined;
}

function takeInput(attributes: Attributes, events: { name: string; attributes?: Attributes }[], kind: SpanKind | undefined): unknown {
  const current = currentMessages(take(attributes, 'gen_ai.input.messages'), take(attributes, 'gen_ai.system_instructions'));
  if (current !== undefined) return current;
  const legacy = takeIndexed(attributes, 'gen_ai.prompt.', LEGACY_PROMPT) ?? takeIndexed(attributes, 'llm.input_messages.', OPENINFERENCE_INPUT);
  if (legacy !== undefined) return legacy.map((m) => toGenAiMessage(m, 'user'));
  const value = takeValue(attributes, 'input');
  if (value !== undefined) return value;
  if (kind === 'tool') {
    const args = take(attributes, 'gen_ai.tool.call.arguments');
    if (args !== undefined) return parseJson(args);
  }
  const event = events.find((e) => e.name === 'gen_ai.content.prompt');
  const prompt = event?.attributes?.['gen_ai.prompt'];
  return prompt === undefined ? undefined : parseJson(prompt);
}

function takeOutput(attributes: Attributes, events: { name: string; attributes?: Attributes }[], kind: SpanKind | undefined): unknown {
  const messages = take(attributes, 'gen_ai.output.messages');
  if (messages !== undefined) return parseJson(messages);
  const legacy = takeIndexed(attributes, 'gen_ai.completion.', LEGACY_COMPLETION) ?? takeIndexed(attributes, 'llm.output_messages.', OPENINFERENCE_OUTPUT);
  if (legacy !== undefined) return legacy.map((m) => toGenAiMessage(m, 'assistant'));
  const value = takeValue(attributes, 'output');
  if (value !== undefined) return value;
  if (kind === 'tool') {
    const result = take(attributes, 'gen_ai.tool.call.result');
    if (result !== undefined) return parseJson(result);
  }
  const event = events.find((e) => e.name === 'gen_ai.content.completion');
  const completion = event?.attributes?.['gen_ai.completion'];
  return completion === undefined ? undefined : parseJson(completion);
}

/**
 * `gen_ai.input.messages` with `gen_ai.system_instructions` in front as a system message (JSON
 * text on spans, structured values in log events).
 */
export function currentMessages(messages: unknown, system: unknown): unknown {
  if (messages === undefined && system === undefined) return undefined;
  const list = messages === undefined ? [] : parseJson(messages);
  if (system === undefined) return list;
  const instructions = parseJson(system);
  const systemMessage = { role: 'system', parts: Array.isArray(instructions) ? instructions : [isObject(instructions) ? instructions : { type: 'text', content: instructions }] };
  return [systemMessage, ...(Array.isArray(list) ? list : [list])];
}

/** `input.value` / `output.value` (OpenInference), parsed when their mime type says JSON. */
function takeValue(attributes: Attributes, prefix: 'input' | 'output'): unknown {
  const value = take(attributes, `${prefix}.value`);
  if (value === undefined) return undefined;
  const mime = attributes[`${prefix}.mime_type`];
  if (mime !== undefined) delete attributes[`${prefix}.mime_type`];
  return typeof mime === 'string' && mime.includes('json') ? parseJson(value) : value;
}

function take(attributes: Attributes, key: string): AttributeValue | undefined {
  const value = attributes[key];
  if (value === undefined) return undefined;
  delete attributes[key];
  return value;
}

function firstString(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
