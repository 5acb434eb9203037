import { z } from 'zod';

/**
 * Playground messages in the hub's one message shape, the OpenTelemetry GenAI schema that ingest
 * produces (docs/otlp.md): `{ role, parts: [{ type: 'text', content } | tool_call | tool_call_response] }`.
 * Here they become what each official client sends.
 */
const TextPart = z.object({ type: z.literal('text'), content: z.string().max(1_000_000) });
const ToolCallPart = z.object({ type: z.literal('tool_call'), id: z.string().max(256), name: z.string().min(1).max(256), arguments: z.unknown() });
const ToolResponsePart = z.object({ type: z.literal('tool_call_response'), id: z.string().max(256), response: z.unknown() });
export const PlaygroundPart = z.discriminatedUnion('type', [TextPart, ToolCallPart, ToolResponsePart]);
export const PlaygroundMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  parts: z.array(PlaygroundPart).max(256),
});
export type PlaygroundMessage = z.infer<typeof PlaygroundMessage>;

const VARIABLE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** `{{name}}` → its value in text parts; names without a value stay as written (and are reported). */
export function substitute(messages: PlaygroundMessage[], variables: Record<string, string>): { messages: PlaygroundMessage[]; unresolved: string[] } {
  const unresolved = new Set<string>();
  const fill = (text: string) =>
    text.replace(VARIABLE, (whole, name: string) => {
      if (Object.hasOwn(variables, name)) return variables[name]!;
      unresolved.add(name);
      return whole;
    });
  const filled = messages.map((m) => ({ ...m, parts: m.parts.map((p) => (p.type === 'text' ? { ...p, content: fill(p.content) } : p)) }));
  return { messages: filled, unresolved: [...unresolved] };
}

const textOf = (m: PlaygroundMessage) => m.parts.flatMap((p) => (p.type === 'text' ? [p.content] : [])).join('\n');
const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

/** Chat-completions messages (OpenAI and every OpenAI-compatible server). */
export function toOpenAi(messages: PlaygroundMessage[]): unknown[] {
  const out: unknown[] = [];
  for (const m of messages) {
    if (m.role === 'tool') {
      for (const p of m.parts) if (p.type === 'tool_call_response') out.push({ role: 'tool', tool_call_id: p.id, content: asText(p.response) });
      continue;
    }
    const calls = m.parts.flatMap((p) => (p.type === 'tool_call' ? [{ id: p.id, type: 'function', function: { name: p.name, arguments: asText(p.arguments) } }] : []));
    out.push({ role: m.role, content: textOf(m), ...(m.role === 'assistant' && calls.length ? { tool_calls: calls } : {}) });
  }
  return out;
}

/** Anthropic messages: system apart, tool calls as tool_use blocks, tool results as user turns. */
export function toAnthropic(messages: PlaygroundMessage[]): { system: string; messages: unknown[] } {
  const system = messages.filter((m) => m.role === 'system').map(textOf).join('\n\n');
  const out: unknown[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const blocks = m.parts.map((p) => {
      if (p.type === 'text') return { type: 'text', text: p.content };
      if (p.type === 'tool_call') return { type: 'tool_use', id: p.id, name: p.name, input: typeof p.arguments === 'object' && p.arguments !== null ? p.arguments : { value: p.arguments } };
      return { type: 'tool_result', tool_use_id: p.id, content: asText(p.response) };
    });
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const onlyText = blocks.every((b) => b.type === 'text');
    out.push({ role, content: onlyText ? blocks.map((b) => (b as { text: string }).text).join('\n') : blocks });
  }
  return { system, messages: out };
}
