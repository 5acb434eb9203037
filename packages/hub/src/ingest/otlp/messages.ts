import type { Attributes, AttributeValue } from '@runtime-hub/protocol';

/**
 * One shape for LLM messages, whatever dialect sent them: the OpenTelemetry GenAI message schema
 * (`gen_ai.input.messages`): `{ role, parts: [...], finish_reason? }` with parts
 * `{ type: 'text', content }`, `{ type: 'tool_call', id, name, arguments }`,
 * `{ type: 'tool_call_response', id, response }`, `{ type: 'reasoning', content }`,
 * `{ type: 'uri', modality, uri }` and `{ type: 'blob', modality, mime_type?, content }`.
 * The dashboard and the Agents view read this one shape.
 */
export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
  name?: string;
}
export type GenAiPart = Record<string, unknown> & { type: string };

/**
 * A message in any of the object shapes the dialects write — OpenAI chat (`content`,
 * `tool_calls[].function`, `tool_call_id`), OpenLLMetry flattened (`tool_calls[].name`),
 * OpenInference unflattened (`contents[].message_content`, `tool_calls[].tool_call.function`),
 * the legacy GenAI events (`gen_ai.choice` body `{ index, finish_reason, message }`) — as a
 * GenAI message. A message that already has `parts` is kept as it is.
 */
export function toGenAiMessage(value: unknown, defaultRole: string): GenAiMessage | unknown {
  if (!isObject(value)) return value;
  if (Array.isArray(value.parts) && typeof value.role === 'string') return value;
  const source = isObject(value.message) ? { ...value, ...value.message } : value;
  const role = typeof source.role === 'string' && source.role !== '' ? source.role : defaultRole;
  const parts: GenAiPart[] = [];

  // OpenLLMetry writes a list of content parts as JSON text in `content`.
  const content = typeof source.content === 'string' && source.content.startsWith('[{') ? parseJson(source.content) : source.content;
  if (role === 'tool' && (source.tool_call_id !== undefined || source.id !== undefined) && content !== undefined) {
    parts.push({ type: 'tool_call_response', id: source.tool_call_id ?? source.id, response: parseJson(content) });
  } else if (typeof content === 'string' && content !== '') {
    parts.push({ type: 'text', content });
  } else if (Array.isArray(content)) {
    for (const part of content) parts.push(contentPart(part));
  } else if (content !== undefined && content !== null && content !== '') {
    parts.push({ type: 'text', content: typeof content === 'string' ? content : JSON.stringify(content) });
  }
  for (const item of asArray(source.contents)) parts.push(contentPart(isObject(item) && isObject(item.message_content) ? item.message_content : item));
  for (const call of asArray(source.tool_calls)) parts.push(toolCallPart(call));
  if (typeof source.function_call_name === 'string') {
    parts.push({ type: 'tool_call', name: source.function_call_name, arguments: parseJson(source.function_call_arguments_json) });
  }

  const message: GenAiMessage = { role, parts };
  if (typeof source.name === 'string') message.name = source.name;
  if (typeof source.finish_reason === 'string') message.finish_reason = source.finish_reason;
  return message;
}

/** One content part: OpenAI (`{type:'text', text}`, `image_url`), OpenInference, AI SDK shapes. */
export function contentPart(value: unknown): GenAiPart {
  if (typeof value === 'string') return { type: 'text', content: value };
  if (!isObject(value)) return { type: 'text', content: JSON.stringify(value) };
  const type = typeof value.type === 'string' ? value.type : 'text';
  if (type === 'text' || type === 'input_text' || type === 'output_text') return { type: 'text', content: value.text ?? value.content ?? '' };
  if (type === 'reasoning' || type === 'thinking') return { type: 'reasoning', content: value.text ?? value.content ?? value.thinking ?? '' };
  if (type === 'tool-call' || type === 'tool_call' || type === 'tool_use') return toolCallPart(value);
  if (type === 'tool-result' || type === 'tool_result' || type === 'tool_call_response') {
    return { type: 'tool_call_response', id: value.toolCallId ?? value.tool_use_id ?? value.id, response: parseJson(value.output ?? value.result ?? value.content ?? value.response) };
  }
  for (const modality of ['image', 'audio', 'video']) {
    if (type !== modality && type !== `${modality}_url` && type !== 'file') continue;
    // OpenInference nests `image.image.url`; OpenAI `image_url.url`; the AI SDK `image` / `data`.
    const nested = value[modality];
    const url = (isObject(nested) && isObject(nested[modality]) ? nested[modality].url : undefined) ?? (isObject(value.image_url) ? value.image_url.url : undefined) ?? (isObject(nested) ? nested.url : nested) ?? value.url ?? value.data;
    const mime = value.mimeType ?? value.mediaType ?? value.mime_type ?? (typeof url === 'string' ? /^data:([\w.+-]+\/[\w.+-]+)[;,]/.exec(url)?.[1] : undefined);
    const media = type === 'file' && typeof mime === 'string' ? mime.split('/')[0]! : modality;
    if (typeof url === 'string' && /^(https?|gs|s3|file):/i.test(url)) return { type: 'uri', modality: media, uri: url, ...(mime ? { mime_type: mime } : {}) };
    return { type: 'blob', modality: media, ...(mime ? { mime_type: mime } : {}), content: typeof url === 'string' ? url : JSON.stringify(url ?? null) };
  }
  return { ...value, type };
}

/** A tool call in the OpenAI, OpenLLMetry, OpenInference or AI SDK shape, as a `tool_call` part. */
export function toolCallPart(value: unknown): GenAiPart {
  if (!isObject(value)) return { type: 'tool_call', name: String(value) };
  const call = isObject(value.tool_call) ? value.tool_call : value;
  const fn = isObject(call.function) ? call.function : call;
  const part: GenAiPart = { type: 'tool_call', id: call.id ?? call.toolCallId ?? null, name: fn.name ?? call.toolName ?? null };
  const args = fn.arguments ?? call.args ?? call.input;
  if (args !== undefined) part.arguments = parseJson(args);
  return part;
}

/**
 * Collects `<prefix>N.rest` attributes (`prefix` a cheap test before the pattern) into an ordered list of nested objects and removes them:
 * `llm.input_messages.0.message.tool_calls.1.tool_call.function.name` becomes
 * `[{ tool_calls: [, { tool_call: { function: { name } } }] }]` (after the `message.` level).
 */
export function takeIndexed(attributes: Attributes, prefix: string, pattern: RegExp): Record<string, unknown>[] | undefined {
  const byIndex = new Map<number, Record<string, unknown>>();
  for (const key of Object.keys(attributes)) {
    if (!key.startsWith(prefix)) continue;
    const match = pattern.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const item = byIndex.get(index) ?? {};
    setPath(item, match[2]!.split('.'), attributes[key]!);
    byIndex.set(index, item);
    delete attributes[key];
  }
  if (byIndex.size === 0) return undefined;
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => compactArrays(item) as Record<string, unknown>);
}

function setPath(target: Record<string, unknown>, path: string[], value: AttributeValue): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return;
    const next = node[key];
    if (!isObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (last !== '__proto__') node[last] = value;
}

/** Objects whose keys are all indexes become arrays (in index order). */
function compactArrays(value: unknown): unknown {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => compactArrays(value[k]));
  }
  for (const key of keys) value[key] = compactArrays(value[key]);
  return value;
}

export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  // Objects, arrays, and JSON string literals ("result1", as the AI SDK writes a tool's result).
  if (!(text.startsWith('{') || text.startsWith('[') || (text.length > 1 && text.startsWith('"') && text.endsWith('"')))) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
