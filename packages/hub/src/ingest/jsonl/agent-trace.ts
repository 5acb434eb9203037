import type { Attributes, SpanKind, SpanRecordInput } from '@runtime-hub/protocol';
import { hashId } from '../claude/ids.js';
import { limitString, limitValue } from '../claude/limit-value.js';

/**
 * The agent trace format of seed 002 (Anton's `.modular-agents/traces/*.jsonl`): one complete span
 * per line. The exact fields accepted (docs/jsonl.md has the same list with an example):
 *
 * required  span_type    llm_call | llm | tool_call | tool | agent | agent_call | orchestrator
 *                        (without it: tool_name → tool_call, model or provider → llm_call)
 *           timestamp    start: ISO 8601 (no zone = local time) or epoch seconds / milliseconds
 * ids       trace_id     any string; 32 hex is kept, anything else is hashed to 32 hex.
 *                        Missing (old files): one trace per file.
 *           span_id      any string; 16 hex is kept, anything else is hashed. Missing: derived
 *                        from the file and the line's byte offset, so it is stable across re-reads.
 *           parent_id    (or parent_span_id) as span_id; null, "" or equal to trace_id = root.
 * timing    duration_ms  end = start + duration_ms; else end_timestamp; else a zero-length span.
 * outcome   success      false → status error;  error: string or { type, message } → error
 *           status       "ok" | "success" | "error" | "failed"
 * naming    name         else: tool_name, "chat <model>", agent_name, span_type
 *           agent_name   → attribute agent.name; the service when `service` is absent
 *           service      → service (default: agent_name, else "agent-trace")
 *           session_id   → sessionId
 * llm       provider → gen_ai.provider.name, model → gen_ai.request.model,
 *           tokens { input, output, cache_read, cache_write } (or input_tokens / output_tokens)
 *           → gen_ai.usage.*, cost_usd → gen_ai.usage.cost_usd,
 *           messages | prompt → input, response → output
 * tool      tool_name → name and gen_ai.tool.name, parameters | args | input → input,
 *           result | output → output
 * other     input, output; attributes | metadata: scalar values → attributes
 */

export type AgentTraceResult = { ok: true; record: SpanRecordInput } | { ok: false; message: string };

const KINDS: Record<string, SpanKind> = {
  llm_call: 'llm',
  llm: 'llm',
  tool_call: 'tool',
  tool: 'tool',
  agent: 'agent',
  agent_call: 'agent',
  orchestrator: 'agent',
};

/** Whether a JSON line is in this format (as opposed to our span records or Claude transcripts). */
export function isAgentTraceLine(v: Record<string, unknown>): boolean {
  if (typeof v.span_type === 'string') return true;
  return v.timestamp !== undefined && (typeof v.trace_id === 'string' || typeof v.tool_name === 'string' || typeof v.agent_name === 'string');
}

/**
 * @param fileKey identifies the file (its path) for ids the line does not carry
 * @param offset the line's byte offset in the file
 */
export function mapAgentTraceLine(v: Record<string, unknown>, fileKey: string, offset: number): AgentTraceResult {
  const spanType = typeof v.span_type === 'string' ? v.span_type : typeof v.tool_name === 'string' ? 'tool_call' : v.model !== undefined || v.provider !== undefined ? 'llm_call' : undefined;
  if (spanType === undefined) return { ok: false, message: 'span_type: is required (llm_call, tool_call, agent or orchestrator)' };
  const kind = KINDS[spanType] ?? 'internal';
  const start = readTime(v.timestamp);
  if (start === undefined) return { ok: false, message: `timestamp: must be ISO 8601 or epoch seconds/milliseconds (got ${JSON.stringify(v.timestamp)?.slice(0, 40)})` };

  const rawTrace = idText(v.trace_id);
  const traceId = rawTrace === undefined ? hashId(`agent-trace:file:${fileKey}`, 32) : toHex(rawTrace, 32);
  const rawSpan = idText(v.span_id);
  const spanId = rawSpan === undefined ? hashId(`agent-trace:line:${fileKey}:${offset}`, 16) : toHex(rawSpan, 16);
  const rawParent = idText(v.parent_id) ?? idText(v.parent_span_id);
  const parentSpanId = rawParent === undefined || rawParent === rawTrace ? null : toHex(rawParent, 16);

  let end = start;
  if (typeof v.duration_ms === 'number' && Number.isFinite(v.duration_ms) && v.duration_ms >= 0) end = start + v.duration_ms;
  else {
    const explicit = readTime(v.end_timestamp ?? v.end_time);
    if (explicit !== undefined && explicit >= start) end = explicit;
  }

  const error = readError(v.error);
  const statusText = typeof v.status === 'string' ? v.status.toLowerCase() : undefined;
  const failed = v.success === false || error !== undefined || statusText === 'error' || statusText === 'failed';
  const agentName = typeof v.agent_name === 'string' && v.agent_name !== '' ? v.agent_name : undefined;
  const service = typeof v.service === 'string' && v.service !== '' ? v.service : (agentName ?? 'agent-trace');
  const model = typeof v.model === 'string' ? v.model : undefined;
  const toolName = typeof v.tool_name === 'string' ? v.tool_name : undefined;
  const name =
    typeof v.name === 'string' && v.name !== ''
      ? v.name
      : kind === 'tool' ? (toolName ?? 'tool') : kind === 'llm' ? `chat ${model ?? 'llm'}` : (agentName ?? spanType);

  const attributes: Attributes = { ...scalarMap(v.attributes), ...scalarMap(v.metadata), 'agent_trace.span_type': spanType };
  if (agentName) attributes['agent.name'] = agentName;
  if (kind === 'llm') Object.assign(attributes, llmAttributes(v, model));
  if (toolName) attributes['gen_ai.tool.name'] = toolName;

  const record: SpanRecordInput = {
    traceId,
    spanId,
    parentSpanId,
    service: limitString(service, 200),
    name: limitString(name, 200),
    kind,
    startTime: start,
    endTime: end,
    status: failed ? 'error' : 'ok',
    attributes,
  };
  if (typeof v.session_id === 'string' && v.session_id !== '') record.sessionId = limitString(v.session_id, 200);
  const input = firstDefined(v, kind === 'llm' ? ['messages', 'prompt', 'input'] : kind === 'tool' ? ['parameters', 'args', 'input'] : ['input', 'task', 'messages']);
  const output = firstDefined(v, kind === 'llm' ? ['response', 'output'] : kind === 'tool' ? ['result', 'output'] : ['output', 'result', 'response']);
  if (input !== undefined) record.input = limitValue(input);
  if (output !== undefined) record.output = limitValue(output);
  if (failed) record.error = error ?? { type: 'Error', message: statusText === 'failed' ? 'failed' : 'the call did not succeed' };
  return { ok: true, record };
}

function llmAttributes(v: Record<string, unknown>, model: string | undefined): Attributes {
  const out: Attributes = { 'gen_ai.operation.name': 'chat' };
  if (typeof v.provider === 'string') out['gen_ai.provider.name'] = v.provider;
  if (model) out['gen_ai.request.model'] = model;
  const tokens = (v.tokens !== null && typeof v.tokens === 'object' ? v.tokens : {}) as Record<string, unknown>;
  const num = (...values: unknown[]) => values.find((n): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0);
  const input = num(tokens.input, tokens.input_tokens, tokens.prompt, v.input_tokens, v.prompt_tokens);
  const output = num(tokens.output, tokens.output_tokens, tokens.completion, v.output_tokens, v.completion_tokens);
  const cacheRead = num(tokens.cache_read, tokens.cache_read_input_tokens);
  const cacheWrite = num(tokens.cache_write, tokens.cache_creation_input_tokens);
  if (input !== undefined) out['gen_ai.usage.input_tokens'] = input;
  if (output !== undefined) out['gen_ai.usage.output_tokens'] = output;
  if (cacheRead !== undefined) out['gen_ai.usage.cache_read.input_tokens'] = cacheRead;
  if (cacheWrite !== undefined) out['gen_ai.usage.cache_creation.input_tokens'] = cacheWrite;
  const cost = num(v.cost_usd);
  if (cost !== undefined) out['gen_ai.usage.cost_usd'] = cost;
  return out;
}

/** ISO 8601 (a date-time without zone is local time, as Python's datetime.isoformat() writes it), or epoch s / ms. */
function readTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toHex(id: string, length: 16 | 32): string {
  return new RegExp(`^[0-9a-fA-F]{${length}}$`).test(id) && !/^0+$/.test(id) ? id.toLowerCase() : hashId(`agent-trace:id:${id}`, length);
}

function readError(value: unknown): { type: string; message: string } | undefined {
  if (typeof value === 'string' && value !== '') return { type: 'Error', message: limitString(value, 16_384) };
  if (value !== null && typeof value === 'object') {
    const e = value as { type?: unknown; message?: unknown };
    return { type: typeof e.type === 'string' ? limitString(e.type, 200) : 'Error', message: typeof e.message === 'string' ? limitString(e.message, 16_384) : JSON.stringify(value).slice(0, 16_384) };
  }
  return undefined;
}

function scalarMap(value: unknown): Attributes {
  const out: Attributes = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, item] of Object.entries(value).slice(0, 100)) {
    if (typeof item === 'string') out[key] = limitString(item, 1024);
    else if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean') out[key] = item;
  }
  return out;
}

function firstDefined(v: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) if (v[key] !== undefined && v[key] !== null) return v[key];
  return undefined;
}
