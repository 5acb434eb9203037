import type { Span } from '../api/types';

/**
 * LLM calls as chats. Payloads come in several shapes — the OpenTelemetry GenAI message schema
 * (`{ role, parts, finish_reason }`, what OTLP ingest produces), chat messages with `content`
 * strings or Anthropic content blocks (SDKs, Claude Code transcripts), a bare list of content
 * blocks (a Claude Code model call's output), `{ prompt }`, `{ tool_results }` — and all become
 * one shape here. Text stays text: the view renders it as React text, never as HTML.
 */

export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; id?: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id?: string; result: unknown; isError?: boolean }
  | { type: 'other'; value: unknown };

export interface ChatMessage {
  role: string;
  parts: ChatPart[];
  finishReason?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function messagesOf(value: unknown, role: string): ChatMessage[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ role, parts: [{ type: 'text', text: value }] }];
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => isObj(v) && typeof v.role === 'string')) return value.map((m) => messageOf(m as Obj));
    if (value.length > 0 && value.every((v) => isObj(v) && typeof v.type === 'string')) return [{ role, parts: value.map((b) => partOf(b as Obj)) }];
    return [{ role, parts: [{ type: 'other', value }] }];
  }
  if (isObj(value)) {
    if (Array.isArray(value.messages)) return messagesOf(value.messages, role);
    if (Array.isArray(value.tool_results)) {
      return [{ role: 'tool', parts: value.tool_results.map((r) => (isObj(r) ? { type: 'tool_result' as const, id: str(r.tool_use_id), result: r.content, isError: r.is_error === true } : { type: 'other' as const, value: r })) }];
    }
    if (typeof value.role === 'string') return [messageOf(value)];
    if (typeof value.prompt === 'string' && Object.keys(value).length === 1) return [{ role: 'user', parts: [{ type: 'text', text: value.prompt }] }];
  }
  return [{ role, parts: [{ type: 'other', value }] }];
}

function messageOf(m: Obj): ChatMessage {
  const role = String(m.role);
  const finish = str(m.finish_reason);
  const out: ChatMessage = { role, parts: [] };
  if (finish) out.finishReason = finish;
  if (Array.isArray(m.parts)) out.parts = m.parts.map((p) => (isObj(p) ? partOf(p) : { type: 'other', value: p }));
  else if (typeof m.content === 'string') out.parts = [role === 'tool' ? { type: 'tool_result', id: str(m.tool_call_id), result: m.content } : { type: 'text', text: m.content }];
  else if (Array.isArray(m.content)) out.parts = m.content.map((p) => (isObj(p) ? partOf(p) : { type: 'other', value: p }));
  else if (m.content !== undefined && m.content !== null) out.parts = [{ type: 'other', value: m.content }];
  // OpenAI-style tool calls next to the content.
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) {
      if (!isObj(call)) continue;
      const fn = isObj(call.function) ? call.function : call;
      out.parts.push({ type: 'tool_call', id: str(call.id), name: str(fn.name) ?? 'tool', arguments: fn.arguments });
    }
  }
  return out;
}

function partOf(p: Obj): ChatPart {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: str(p.content) ?? str(p.text) ?? '' };
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', text: str(p.content) ?? str(p.thinking) ?? '' };
    case 'tool_call':
      return { type: 'tool_call', id: str(p.id), name: str(p.name) ?? 'tool', arguments: p.arguments };
    case 'tool_use':
    case 'server_tool_use':
      return { type: 'tool_call', id: str(p.id), name: str(p.name) ?? 'tool', arguments: p.input };
    case 'tool_call_response':
      return { type: 'tool_result', id: str(p.id), result: p.response };
    case 'tool_result':
      return { type: 'tool_result', id: str(p.tool_use_id), result: p.content, isError: p.is_error === true };
    default:
      return { type: 'other', value: p };
  }
}

export interface LlmCall {
  span: Span;
  model: string | undefined;
  /** Request parameters: `gen_ai.request.*` other than the model. */
  params: Record<string, unknown>;
  input: ChatMessage[];
  output: ChatMessage[];
  finishReason: string | undefined;
  running: boolean;
}

export function llmCallOf(span: Span): LlmCall {
  const attrs = (span.attributes ?? {}) as Obj;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('gen_ai.request.') && key !== 'gen_ai.request.model') params[key.slice('gen_ai.request.'.length)] = value;
  }
  const output = messagesOf(span.output, 'assistant');
  const reasons = attrs['gen_ai.response.finish_reasons'];
  const finishReason = (Array.isArray(reasons) ? str(reasons[0]) : str(reasons)) ?? output.find((m) => m.finishReason)?.finishReason;
  return {
    span,
    model: span.usage?.model ?? str(attrs['gen_ai.response.model']) ?? str(attrs['gen_ai.request.model']),
    params,
    input: messagesOf(span.input, 'user'),
    output,
    finishReason,
    running: span.endTime === null,
  };
}
