import type { Attributes, AttributeValue, SpanKind } from '@runtime-hub/protocol';

/**
 * What an AI span's attributes say, in the hub's terms. Three vocabularies are read:
 * - OpenTelemetry GenAI semantic conventions, current names (gen_ai.operation.name,
 *   gen_ai.usage.input_tokens, gen_ai.input.messages, ...) and legacy ones
 *   (gen_ai.usage.prompt_tokens, gen_ai.prompt.N.role/content, gen_ai.completion.N.*);
 * - OpenInference (openinference.span.kind, llm.model_name, llm.token_count.*, input.value,
 *   output.value, llm.input_messages.N.message.*);
 * - OpenLLMetry / Traceloop kinds (traceloop.span.kind, llm.request.type).
 * The result is applied by `applyAiConventions`: usage is normalised onto the current gen_ai.*
 * names (which the store prices), and message attributes move into the span's input and output.
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

/** Canonical name ← alternatives, first present wins. */
const USAGE_ALIASES: [string, string[]][] = [
  ['gen_ai.request.model', ['gen_ai.response.model', 'llm.model_name', 'llm.request.model', 'llm.response.model']],
  ['gen_ai.usage.input_tokens', ['gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens']],
  ['gen_ai.usage.output_tokens', ['gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'llm.usage.completion_tokens']],
  [
    'gen_ai.usage.cache_read.input_tokens',
    ['gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.input_tokens.cached', 'llm.token_count.prompt_details.cache_read'],
  ],
  [
    'gen_ai.usage.cache_creation.input_tokens',
    ['gen_ai.usage.cache_creation_input_tokens', 'gen_ai.usage.input_tokens.cache_write', 'llm.token_count.prompt_details.cache_write'],
  ],
  ['gen_ai.provider.name', ['gen_ai.system', 'llm.provider', 'llm.system']],
];

const MESSAGE_PREFIXES = [
  /^gen_ai\.prompt\.(\d+)\.(.+)$/,
  /^gen_ai\.completion\.(\d+)\.(.+)$/,
  /^llm\.input_messages\.(\d+)\.message\.(.+)$/,
  /^llm\.output_messages\.(\d+)\.message\.(.+)$/,
];

/**
 * Reads the AI conventions from `attributes`, normalises usage names in place, removes the
 * attributes it moved into input/output, and returns the span's AI view (empty for other spans).
 *
 * @example
 *   const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.prompt_tokens': 10 };
 *   applyAiConventions(attributes, []) // { kind: 'llm' }; attributes now has gen_ai.usage.input_tokens
 */
export function applyAiConventions(attributes: Attributes, events: { name: string; attributes?: Attributes }[]): AiView {
  const view: AiView = {};
  const kind = classify(attributes);
  if (kind !== undefined) view.kind = kind;

  for (const [canonical, aliases] of USAGE_ALIASES) {
    if (attributes[canonical] !== undefined) continue;
    for (const alias of aliases) {
      const value = attributes[alias];
      if (value !== undefined && value !== null) {
        attributes[canonical] = canonical.includes('tokens') ? toCount(value) : value;
        break;
      }
    }
  }

  const session = firstString(attributes, 'session.id', 'gen_ai.conversation.id');
  if (session !== undefined) view.sessionId = session;

  const input = takeInput(attributes, events, view.kind);
  if (input !== undefined) view.input = input;
  const output = takeOutput(attributes, events, view.kind);
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
  // Instrumentations without an operation name still name a model or count tokens.
  for (const key of ['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.model_name']) {
    if (attributes[key] !== undefined) return 'llm';
  }
  return undefined;
}

function takeInput(attributes: Attributes, events: { name: string; attributes?: Attributes }[], kind: SpanKind | undefined): unknown {
  const messages = take(attributes, 'gen_ai.input.messages');
  const system = take(attributes, 'gen_ai.system_instructions');
  if (messages !== undefined) {
    const list = parseJson(messages);
    if (system === undefined) return list;
    return [{ role: 'system', parts: parseJson(system) }, ...(Array.isArray(list) ? list : [list])];
  }
  if (system !== undefined) return [{ role: 'system', parts: parseJson(system) }];
  const legacy = takeIndexed(attributes, 0) ?? takeIndexed(attributes, 2);
  if (legacy !== undefined) return legacy;
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
  const legacy = takeIndexed(attributes, 1) ?? takeIndexed(attributes, 3);
  if (legacy !== undefined) return legacy;
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

/** `input.value` / `output.value` (OpenInference), parsed when their mime type says JSON. */
function takeValue(attributes: Attributes, prefix: 'input' | 'output'): unknown {
  const value = take(attributes, `${prefix}.value`);
  if (value === undefined) return undefined;
  const mime = attributes[`${prefix}.mime_type`];
  if (mime !== undefined) delete attributes[`${prefix}.mime_type`];
  return typeof mime === 'string' && mime.includes('json') ? parseJson(value) : value;
}

/**
 * Collects `<prefix>.N.field` attributes (legacy gen_ai.prompt / gen_ai.completion, OpenInference
 * llm.input_messages / llm.output_messages) into an ordered list of messages and removes them.
 */
function takeIndexed(attributes: Attributes, which: number): Record<string, unknown>[] | undefined {
  const pattern = MESSAGE_PREFIXES[which]!;
  const byIndex = new Map<number, Record<string, unknown>>();
  for (const key of Object.keys(attributes)) {
    const match = pattern.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const message = byIndex.get(index) ?? {};
    message[match[2]!] = attributes[key];
    byIndex.set(index, message);
    delete attributes[key];
  }
  if (byIndex.size === 0) return undefined;
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, message]) => message);
}

function take(attributes: Attributes, key: string): AttributeValue | undefined {
  const value = attributes[key];
  if (value === undefined) return undefined;
  delete attributes[key];
  return value;
}

function parseJson(value: AttributeValue): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

function toCount(value: AttributeValue): AttributeValue {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : value;
}

function firstString(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
