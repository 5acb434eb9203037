import { diffWords } from 'diff';
import type { Span } from '../../api/types';
import { llmCallOf, type ChatMessage, type ChatPart } from '../../agents/conversation';

/**
 * The playground's pure model: a recorded LLM span → editable messages (text in an editor, tool
 * calls and results kept as they were), back to the hub's GenAI message shape for
 * POST /api/v1/playground/runs; `{{variables}}`; the word diff against the recorded answer.
 */

export type Role = 'system' | 'user' | 'assistant' | 'tool';
export const ROLES: Role[] = ['system', 'user', 'assistant', 'tool'];

export type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string; response: unknown };

export interface EditableMessage {
  role: Role;
  text: string;
  /** Tool calls and results, sent back unchanged. */
  extra: GenAiPart[];
}

export type Provider = 'openai' | 'anthropic' | 'openai-compatible';

export interface Target {
  provider: Provider;
  model: string;
  baseUrl: string;
  keyName: string;
}

export interface Recorded {
  messages: EditableMessage[];
  answer: string;
  model: string | undefined;
  temperature: number | undefined;
  maxTokens: number | undefined;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  costUsd: number | undefined;
  latencyMs: number | null;
}

const asRole = (role: string): Role => (ROLES.includes(role as Role) ? (role as Role) : 'user');
const textOf = (parts: ChatPart[]) => parts.flatMap((p) => (p.type === 'text' ? [p.text] : p.type === 'other' ? [typeof p.value === 'string' ? p.value : JSON.stringify(p.value)] : [])).join('\n');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function extraOf(parts: ChatPart[]): GenAiPart[] {
  const out: GenAiPart[] = [];
  parts.forEach((p, i) => {
    if (p.type === 'tool_call') out.push({ type: 'tool_call', id: p.id ?? `call_${i}`, name: p.name, arguments: p.arguments });
    if (p.type === 'tool_result') out.push({ type: 'tool_call_response', id: p.id ?? `call_${i}`, response: p.result });
  });
  return out;
}

export function toEditable(messages: ChatMessage[]): EditableMessage[] {
  return messages.map((m) => ({ role: asRole(m.role), text: textOf(m.parts), extra: extraOf(m.parts) }));
}

/** What a recorded LLM span asked, answered, and cost — in every message shape the hub stores. */
export function recordedOf(span: Span): Recorded {
  const call = llmCallOf(span);
  return {
    messages: toEditable(call.input),
    answer: call.output.map((m) => textOf(m.parts)).join('\n'),
    model: call.model,
    temperature: num(call.params.temperature),
    maxTokens: num(call.params.max_tokens),
    inputTokens: span.usage?.inputTokens,
    outputTokens: span.usage?.outputTokens,
    costUsd: span.usage?.costUsd,
    latencyMs: span.durationMs,
  };
}

export function toGenAi(messages: EditableMessage[]): { role: Role; parts: GenAiPart[] }[] {
  return messages.map((m) => ({ role: m.role, parts: [...(m.text || m.extra.length === 0 ? [{ type: 'text' as const, content: m.text }] : []), ...m.extra] }));
}

/** `{{name}}` names used in the messages, in order of first use. */
export function variablesOf(messages: EditableMessage[]): string[] {
  const names = new Set<string>();
  for (const m of messages) for (const match of m.text.matchAll(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g)) names.add(match[1]!);
  return [...names];
}

/** A first guess at the provider of a recorded call, from the span's attributes and the model name. */
export function guessTarget(span: Span | undefined, model: string | undefined): Target {
  const attrs = span?.attributes ?? {};
  const system = String(attrs['gen_ai.provider.name'] ?? attrs['gen_ai.system'] ?? '');
  const anthropic = /anthropic/i.test(system) || /^claude/i.test(model ?? '');
  const baseUrl = typeof attrs['server.address'] === 'string' && /^https?:/.test(attrs['server.address']) ? attrs['server.address'] : '';
  const provider: Provider = baseUrl && system === 'openai-compatible' ? 'openai-compatible' : anthropic ? 'anthropic' : 'openai';
  return { provider, model: model ?? '', baseUrl: provider === 'openai-compatible' ? baseUrl : '', keyName: '' };
}

export interface DiffPiece {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Word-level diff from the recorded answer to the new one. */
export function wordDiff(recorded: string, fresh: string): DiffPiece[] {
  return diffWords(recorded, fresh).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}
