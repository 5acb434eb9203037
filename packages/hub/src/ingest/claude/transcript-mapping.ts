import type { SpanRecordInput, SpanStatus } from '@runtime-hub/protocol';
import { SUBAGENT_TOOLS } from './hook-event.js';
import { CLAUDE_SERVICE } from './hook-mapping.js';
import { claudeIds } from './ids.js';
import { limitString, limitValue } from './limit-value.js';
import { blocksOf, llmAttributes, oneLine, outputBlock, promptText, readUsage, toolResultOutput, type ContentBlock, type Usage } from './transcript-content.js';

/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<sessionId>.jsonl`, and subagent files
 * `agent-<agentId>.jsonl` next to them or under `<sessionId>/subagents/`) → span records.
 *
 * - session: one trace per `sessionId`; its root span (kind agent) spans the first to the last line.
 * - turn: a user prompt starts one (kind agent, under the session); it ends with the response that
 *   ends the turn (`stop_reason: "end_turn"`), a `turn_duration` line, or the next prompt.
 * - llm: one span per Anthropic message (`message.id`). Claude Code writes one line per content
 *   block, so the lines of a message are folded into one span: start when the request was sent
 *   (the line before the message), end at its last block, model and `message.usage` as gen_ai.*.
 * - tool: a `tool_use` block starts one (under its llm span); the `tool_result` with the same
 *   `tool_use_id` ends it (error when `is_error`).
 * - subagents: lines with `agentId` (or `isSidechain` lines in older files) nest in an agent span
 *   (claudeIds.agent(sessionId, agentId)), which the parent's Task / Agent tool result places
 *   under that tool call (`toolUseResult.agentId`).
 *
 * Pure: state in, state out, so a watcher can persist the state with the byte offset and resume.
 */

/** A record before the trace, service and session fields every record of a session shares. */
type Draft = Omit<SpanRecordInput, 'traceId' | 'service' | 'sessionId'>;

export interface TranscriptLine {
  value: Record<string, unknown>;
  line: number;
}

export interface MappedRecord {
  record: SpanRecordInput;
  line: number;
}

interface Scope {
  /** The turn (main conversation) or the agent span (subagent) lines of this scope nest in. */
  spanId?: string;
  parentSpanId?: string | null;
  name?: string;
  start?: number;
  last?: number;
  ended?: boolean;
  dirty?: boolean;
  /** Its start record was sent (subagent files send only that). */
  opened?: boolean;
  /** Time of the last line: when the next model request was sent. */
  prev?: number;
  /** What the next model request answers (the prompt or the tool results). */
  input?: unknown;
  line?: number;
}

interface Message {
  id: string;
  spanId: string;
  parentSpanId: string;
  start: number;
  end: number;
  model?: string;
  usage?: Usage;
  stop?: string;
  blocks: ContentBlock[];
  keys: string[];
  input?: unknown;
  error?: string;
  line: number;
  dirty: boolean;
  /** The scope (main conversation or subagent) it answers in. */
  scope: string;
}

interface OpenTool {
  spanId: string;
  name: string;
  start: number;
  prompt?: string;
  agentType?: string;
  /** A sidechain (older files) matched to this Task call by its prompt. */
  agentSpanId?: string;
}

export interface TranscriptState {
  sessionId?: string;
  /** Set for subagent files: every line carries this agentId. */
  agentId?: string;
  first?: number;
  last?: number;
  cwd?: string;
  version?: string;
  gitBranch?: string;
  sessionDirty?: boolean;
  scopes: Record<string, Scope>;
  messages: Message[];
  tools: Record<string, OpenTool>;
  /** uuid → agent span of sidechain lines without agentId (older files), for their children. */
  sidechains: Record<string, string>;
}

export function newTranscriptState(): TranscriptState {
  return { scopes: {}, messages: [], tools: {}, sidechains: {} };
}

const TRANSCRIPT_TYPES = new Set(['user', 'assistant', 'system', 'summary', 'file-history-snapshot', 'queue-operation', 'progress', 'pr-link', 'attachment', 'custom-title', 'tag']);
const MAX_MESSAGES = 8;
const MAX_TOOLS = 500;
const MAX_SIDECHAIN_UUIDS = 2000;
/** Task prompts are kept (to match inline sidechains of older files) up to this length. */
const PROMPT_KEY = 2048;
const MAX_BLOCKS = 64;

/** Whether a JSON line looks like a Claude Code transcript line. */
export function isTranscriptLine(value: Record<string, unknown>): boolean {
  if (typeof value.type !== 'string' || !TRANSCRIPT_TYPES.has(value.type)) return false;
  return typeof value.sessionId === 'string' || typeof value.uuid === 'string' || typeof value.leafUuid === 'string' || value.type === 'file-history-snapshot';
}

export function mapTranscriptLines(prior: TranscriptState, lines: readonly TranscriptLine[]): { records: MappedRecord[]; problems: { line: number; message: string }[]; state: TranscriptState } {
  const state = structuredClone(prior);
  const records: MappedRecord[] = [];
  const problems: { line: number; message: string }[] = [];
  for (const { value, line } of lines) {
    const problem = mapLine(state, value, line, records);
    if (problem) problems.push({ line, message: problem });
  }
  flush(state, records);
  return { records, problems, state };
}

function mapLine(state: TranscriptState, v: Record<string, unknown>, line: number, out: MappedRecord[]): string | undefined {
  const type = v.type;
  if (type !== 'user' && type !== 'assistant' && type !== 'system') return undefined; // summaries, snapshots, progress …
  if (typeof v.sessionId !== 'string' || v.sessionId === '') return `${String(type)} line without sessionId`;
  const time = typeof v.timestamp === 'string' ? Date.parse(v.timestamp) : NaN;
  if (!Number.isFinite(time)) return `${String(type)} line without a valid timestamp`;
  if (state.sessionId !== undefined && state.sessionId !== v.sessionId) {
    // A conversation continued in this file under a new session id: its span starts here.
    state.first = undefined;
    state.last = undefined;
  }
  state.sessionId = v.sessionId;
  const sid = v.sessionId;
  if (typeof v.agentId === 'string' && v.agentId !== '') state.agentId ??= v.agentId;
  if (typeof v.cwd === 'string') state.cwd = v.cwd;
  if (typeof v.version === 'string') state.version = v.version;
  if (typeof v.gitBranch === 'string') state.gitBranch = v.gitBranch;
  state.first = Math.min(state.first ?? time, time);
  state.last = Math.max(state.last ?? time, time);
  state.sessionDirty = true;

  const scopeKey = scopeOf(state, v);
  const scope = (state.scopes[scopeKey] ??= {});
  const base = { traceId: claudeIds.trace(sid), service: CLAUDE_SERVICE, sessionId: sid };
  const emit = (record: Draft) => out.push({ record: { ...base, ...record }, line });
  const message = (v.message ?? {}) as { content?: unknown; id?: unknown; model?: unknown; usage?: unknown; stop_reason?: unknown };
  const touch = () => {
    scope.last = Math.max(scope.last ?? time, time);
    scope.prev = time;
    scope.line = line;
    if (scope.spanId) scope.dirty = true;
  };

  if (type === 'system') {
    if (v.subtype === 'turn_duration' && scopeKey === 'main' && scope.spanId) {
      scope.ended = true;
      touch();
    } else if (v.subtype === 'compact_boundary') {
      const meta = (v.compactMetadata ?? {}) as { trigger?: unknown; preTokens?: unknown };
      emit({
        spanId: claudeIds.hook(sid, `compact:${String(v.uuid ?? time)}`),
        parentSpanId: scope.spanId ?? claudeIds.session(sid),
        name: 'compaction',
        kind: 'internal',
        startTime: time,
        endTime: time,
        status: 'ok',
        attributes: scalarAttributes({ 'claude_code.trigger': meta.trigger, 'claude_code.pre_tokens': meta.preTokens }),
      });
    }
    return undefined;
  }

  if (type === 'user') {
    // A new message from the user side: the responses before it in this scope are complete.
    for (const msg of state.messages) if (msg.scope === scopeKey) flushMessage(base, msg, out);
    state.messages = state.messages.filter((m) => m.scope !== scopeKey);
    const blocks = blocksOf(message.content);
    const results = blocks.filter((b) => b.type === 'tool_result');
    if (results.length > 0) {
      for (const result of results) endTool(state, sid, result, v.toolUseResult, time, emit);
      scope.input = { tool_results: results.map((r) => ({ tool_use_id: r.tool_use_id, content: limitValue(r.content, { maxString: 2048, maxArray: 20, maxKeys: 20, maxDepth: 6 }) })) };
      touch();
      return undefined;
    }
    const text = promptText(message.content) ?? '';
    scope.input = { messages: [{ role: 'user', content: limitValue(message.content, { maxString: 8192, maxArray: 20, maxKeys: 20, maxDepth: 6 }) }] };
    if (scopeKey !== 'main') {
      startAgentScope(state, scope, scopeKey, sid, time, text);
    } else if (v.isMeta === true || (scope.spanId && !scope.ended && text.startsWith('[Request interrupted'))) {
      // Expanded slash commands and interruptions belong to the turn they appear in.
      if (text.startsWith('[Request interrupted')) scope.ended = true;
    } else {
      if (scope.spanId && !scope.ended) scope.ended = true; // the previous turn had no end marker
      if (scope.spanId) flushScope(base, scope, out);
      Object.assign(scope, {
        spanId: claudeIds.turn(sid, `uuid:${String(v.uuid ?? time)}`),
        parentSpanId: claudeIds.session(sid),
        name: `turn: ${oneLine(text) || '(empty prompt)'}`,
        start: time,
        last: time,
        ended: false,
      });
    }
    touch();
    return undefined;
  }

  // assistant
  const id = typeof message.id === 'string' ? message.id : typeof v.requestId === 'string' ? v.requestId : String(v.uuid ?? '');
  if (id === '') return 'assistant line without message.id, requestId or uuid';
  let msg = state.messages.find((m) => m.id === id);
  if (!msg) {
    msg = { id, spanId: claudeIds.llm(sid, id), parentSpanId: scope.spanId ?? claudeIds.session(sid), start: Math.min(scope.prev ?? time, time), end: time, blocks: [], keys: [], input: scope.input, line, dirty: true, scope: scopeKey };
    state.messages.push(msg);
    if (state.messages.length > MAX_MESSAGES) state.messages.shift();
  }
  msg.end = Math.max(msg.end, time);
  msg.line = line;
  msg.dirty = true;
  if (typeof message.model === 'string' && message.model !== '<synthetic>') msg.model = message.model;
  const usage = readUsage(message.usage);
  if (usage) msg.usage = { ...usage, output_tokens: Math.max(usage.output_tokens ?? 0, msg.usage?.output_tokens ?? 0) };
  if (typeof message.stop_reason === 'string') msg.stop = message.stop_reason;
  if (v.isApiErrorMessage === true) msg.error = promptText(message.content) ?? 'API error';
  let usesTools = false;
  for (const block of blocksOf(message.content)) {
    const kept = outputBlock(block);
    const key = block.type === 'tool_use' ? `tool_use:${String(block.id)}` : JSON.stringify(kept);
    if (kept && !msg.keys.includes(key) && msg.blocks.length < MAX_BLOCKS) {
      msg.blocks.push(kept);
      msg.keys.push(key);
    }
    if (block.type === 'tool_use' && typeof block.id === 'string') {
      usesTools = true;
      startTool(state, sid, msg.spanId, block, time, emit);
    }
  }
  if (msg.stop === 'end_turn' && !usesTools && scope.spanId) scope.ended = true;
  touch();
  return undefined;
}

/** Which scope a line belongs to: the main conversation, or a subagent's. */
function scopeOf(state: TranscriptState, v: Record<string, unknown>): string {
  const sid = v.sessionId as string;
  if (typeof v.agentId === 'string' && v.agentId !== '') return claudeIds.agent(sid, v.agentId);
  if (v.isSidechain !== true) return 'main';
  // Older files: sidechains inline, without agentId. Follow parentUuid to the sidechain's root.
  const parent = typeof v.parentUuid === 'string' ? state.sidechains[v.parentUuid] : undefined;
  const key = parent ?? claudeIds.agent(sid, `sidechain:${String(v.uuid ?? v.timestamp)}`);
  if (typeof v.uuid === 'string') {
    state.sidechains[v.uuid] = key;
    const uuids = Object.keys(state.sidechains);
    if (uuids.length > MAX_SIDECHAIN_UUIDS) delete state.sidechains[uuids[0]!];
  }
  return key;
}

function startAgentScope(state: TranscriptState, scope: Scope, spanId: string, sid: string, time: number, prompt: string): void {
  if (scope.spanId) return;
  // A sidechain of an older file: its Task call is the open one with the same prompt.
  const key = prompt.slice(0, PROMPT_KEY);
  const task = Object.values(state.tools).find((t) => SUBAGENT_TOOLS.has(t.name) && !t.agentSpanId && t.prompt === key);
  if (task) task.agentSpanId = spanId;
  const main = state.scopes.main;
  Object.assign(scope, {
    spanId,
    // Subagent files do not know their Task call; the parent's tool result links them (null keeps
    // a link that is already stored).
    parentSpanId: task?.spanId ?? (state.agentId ? null : (main?.spanId ?? claudeIds.session(sid))),
    name: `subagent: ${task?.agentType ?? state.agentId ?? 'sidechain'}`,
    start: time,
    last: time,
    ended: false,
  });
}

function startTool(state: TranscriptState, sid: string, parentSpanId: string, block: ContentBlock, time: number, emit: (r: Draft) => void): void {
  const id = block.id as string;
  if (state.tools[id]) return;
  const name = typeof block.name === 'string' && block.name !== '' ? block.name : 'tool';
  const input = (block.input ?? {}) as { prompt?: unknown; subagent_type?: unknown };
  state.tools[id] = {
    spanId: claudeIds.tool(sid, id),
    name,
    start: time,
    ...(typeof input.prompt === 'string' ? { prompt: input.prompt.slice(0, PROMPT_KEY) } : {}),
    ...(typeof input.subagent_type === 'string' ? { agentType: input.subagent_type } : {}),
  };
  const ids = Object.keys(state.tools);
  if (ids.length > MAX_TOOLS) delete state.tools[ids[0]!];
  emit({
    spanId: claudeIds.tool(sid, id),
    parentSpanId,
    name: limitString(name, 200),
    kind: 'tool',
    startTime: time,
    input: limitValue(block.input),
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, 'gen_ai.tool.call.id': id },
  });
}

function endTool(state: TranscriptState, sid: string, result: ContentBlock, toolUseResult: unknown, time: number, emit: (r: Draft) => void): void {
  if (typeof result.tool_use_id !== 'string') return;
  const id = result.tool_use_id;
  const tool = state.tools[id];
  delete state.tools[id];
  const failed = result.is_error === true;
  const output = toolResultOutput(result.content);
  const record: Draft = {
    spanId: claudeIds.tool(sid, id),
    name: limitString(tool?.name ?? 'tool', 200),
    kind: 'tool',
    startTime: tool?.start ?? time,
    endTime: time,
    status: failed ? 'error' : 'ok',
    output,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.id': id, ...(tool ? { 'gen_ai.tool.name': tool.name } : {}) },
  };
  if (failed) record.error = { type: 'ToolError', message: typeof output === 'string' ? output : JSON.stringify(output) };
  emit(record);
  if (!tool || !SUBAGENT_TOOLS.has(tool.name)) return;
  // The subagent this Task call ran: by toolUseResult.agentId, or "agentId: …" in the result text.
  const meta = (toolUseResult ?? {}) as { agentId?: unknown; status?: unknown; totalDurationMs?: unknown; totalTokens?: unknown; totalToolUseCount?: unknown };
  const agentId = typeof meta.agentId === 'string' ? meta.agentId : /agentId: ([0-9a-zA-Z_-]+)/.exec(typeof output === 'string' ? output : '')?.[1];
  const agentSpanId = agentId ? claudeIds.agent(sid, agentId) : tool.agentSpanId;
  if (!agentSpanId) return;
  emit({
    spanId: agentSpanId,
    parentSpanId: tool.spanId,
    name: limitString(`subagent: ${tool.agentType ?? agentId ?? 'sidechain'}`, 200),
    kind: 'agent',
    startTime: tool.start,
    endTime: time,
    status: failed ? 'error' : 'ok',
    output,
    attributes: scalarAttributes({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': agentId,
      'gen_ai.agent.name': tool.agentType,
      'claude_code.total_duration_ms': meta.totalDurationMs,
      'claude_code.total_tokens': meta.totalTokens,
      'claude_code.total_tool_use_count': meta.totalToolUseCount,
    }),
  });
}

/** Records for everything the lines changed: session, turns and agents, model responses. */
function flush(state: TranscriptState, out: MappedRecord[]): void {
  const sid = state.sessionId;
  if (!sid) return;
  const base = { traceId: claudeIds.trace(sid), service: CLAUDE_SERVICE, sessionId: sid };
  if (state.sessionDirty && !state.agentId && state.first !== undefined) {
    const folder = state.cwd?.split(/[\\/]/).filter(Boolean).pop();
    out.push({
      line: 0,
      record: {
        ...base,
        spanId: claudeIds.session(sid),
        parentSpanId: null,
        name: `claude-code: ${folder ?? sid.slice(0, 8)}`,
        kind: 'agent',
        startTime: state.first,
        endTime: state.last,
        status: 'ok',
        attributes: scalarAttributes({ 'claude_code.session_id': sid, 'claude_code.cwd': state.cwd, 'claude_code.version': state.version, 'claude_code.git_branch': state.gitBranch }),
      },
    });
  }
  state.sessionDirty = false;
  for (const [key, scope] of Object.entries(state.scopes)) {
    // A subagent's lines only open its agent span; the parent's Task result (or SubagentStop) ends it.
    if (key !== 'main' && scope.spanId) {
      if (!scope.opened) flushScope(base, { ...scope, ended: false }, out);
      scope.opened = true;
      scope.dirty = false;
      continue;
    }
    if (scope.dirty) flushScope(base, scope, out);
  }
  for (const msg of state.messages) flushMessage(base, msg, out);
}

function flushMessage(base: { traceId: string; service: string; sessionId: string }, msg: Message, out: MappedRecord[]): void {
  if (!msg.dirty) return;
  const status: SpanStatus = msg.error ? 'error' : 'ok';
  out.push({
    line: msg.line,
    record: {
      ...base,
      spanId: msg.spanId,
      parentSpanId: msg.parentSpanId,
      name: `chat ${msg.model ?? 'claude'}`,
      kind: 'llm',
      startTime: msg.start,
      endTime: msg.end,
      status,
      ...(msg.input !== undefined ? { input: msg.input } : {}),
      output: msg.blocks,
      ...(msg.error ? { error: { type: 'ApiError', message: limitString(msg.error, 4096) } } : {}),
      attributes: llmAttributes(msg.model, msg.id, msg.usage, msg.stop),
    },
  });
  msg.dirty = false;
}

function flushScope(base: { traceId: string; service: string; sessionId: string }, scope: Scope, out: MappedRecord[]): void {
  if (!scope.spanId || scope.start === undefined) return;
  const record: SpanRecordInput = {
    ...base,
    spanId: scope.spanId,
    name: limitString(scope.name ?? 'turn', 200),
    kind: 'agent',
    startTime: scope.start,
  };
  if (scope.parentSpanId !== undefined) record.parentSpanId = scope.parentSpanId;
  if (scope.ended) {
    record.endTime = scope.last ?? scope.start;
    record.status = 'ok';
  }
  out.push({ record, line: scope.line ?? 0 });
  scope.dirty = false;
}

function scalarAttributes(values: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = limitString(value, 1024);
    else if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
    else if (typeof value === 'boolean') out[key] = value;
  }
  return out;
}
