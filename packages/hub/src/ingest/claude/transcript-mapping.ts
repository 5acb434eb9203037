import { SUBAGENT_TOOLS } from './hook-event.js';
import { claudeIds } from './ids.js';
import { limitString, limitValue } from './limit-value.js';
import { answerText, blocksOf, isPrompt, outputBlock, promptText, readUsage, toolResultOutput, type ContentBlock } from './transcript-content.js';
import { baseOf, flush, flushMessage, scalarAttributes, type MappedRecord, type TranscriptState } from './transcript-records.js';
import { commandText, mapProgress, PROMPT_KEY, scopeOf, startAgentScope, startTurn, TEXT_MAX } from './transcript-scopes.js';

export type { MappedRecord, TranscriptState } from './transcript-records.js';

/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<sessionId>.jsonl`, and subagent files
 * `agent-<agentId>.jsonl` next to them or under `<sessionId>/subagents/`) → span records.
 *
 * - session: one trace per `sessionId`; its root span (kind agent) spans the first to the last line.
 * - turn: a prompt starts one (kind agent, under the session; input the prompt, output the last
 *   answer). Lines that are not prompts (meta lines, compaction summaries, local-command output,
 *   background-task notifications) never do. A turn ends at its last event: with the response that
 *   ends it (`stop_reason: "end_turn"`), a `stop_hook_summary` or `turn_duration` line, an
 *   interruption, the next prompt — or, as Claude Code 2.1 writes `stop_reason: null` everywhere,
 *   as soon as an answer without tool calls is the last thing written (later events extend it).
 * - llm: one span per Anthropic message (`message.id`), under the turn. Claude Code writes one
 *   line per content block, so the lines of a message are folded into one span: start when the
 *   request was sent (the line before the message), end at its last block, model and usage.
 * - tool: a `tool_use` block starts one (under the turn or subagent, as hooks place it, so both
 *   sources build one tree); the `tool_result` with the same `tool_use_id` ends it.
 * - subagents: lines with `agentId` (or `isSidechain` lines in older files) nest in an agent span
 *   (claudeIds.agent(sessionId, agentId)) that the parent's Task / Agent call places under itself:
 *   by the agent id in its result (`toolUseResult.agentId`), or live by `agent_progress` lines.
 * - compaction: `agent-acompact-*.jsonl` (2.1) is the model summarizing the conversation: one
 *   compaction span (kind internal) under the session, from its request to its summary.
 *
 * Pure: state in, state out, so a watcher can persist the state with the byte offset and resume.
 */

export interface TranscriptLine {
  value: Record<string, unknown>;
  line: number;
}

type Draft = Omit<MappedRecord['record'], 'traceId' | 'service' | 'sessionId'>;

export function newTranscriptState(): TranscriptState {
  return { scopes: {}, messages: [], tools: {}, sidechains: {} };
}

const TRANSCRIPT_TYPES = new Set(['user', 'assistant', 'system', 'summary', 'file-history-snapshot', 'queue-operation', 'progress', 'pr-link', 'attachment', 'custom-title', 'tag', 'last-prompt', 'permission-mode']);
const MAX_MESSAGES = 8;
const MAX_TOOLS = 500;
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
  if (lines.length > 0) state.idle = false;
  for (const { value, line } of lines) {
    const problem = mapLine(state, value, line, records);
    if (problem) problems.push({ line, message: problem });
  }
  flush(state, records);
  return { records, problems, state };
}

function mapLine(state: TranscriptState, v: Record<string, unknown>, line: number, out: MappedRecord[]): string | undefined {
  const type = v.type;
  if (type !== 'user' && type !== 'assistant' && type !== 'system' && type !== 'progress') return undefined; // summaries, snapshots …
  if (type === 'progress') return mapProgress(state, v, line, out);
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
  const base = baseOf(sid);
  const emit = (record: Draft) => out.push({ record: { ...base, ...record }, line });
  const message = (v.message ?? {}) as { content?: unknown; id?: unknown; model?: unknown; usage?: unknown; stop_reason?: unknown };
  const touch = () => {
    scope.last = Math.max(scope.last ?? time, time);
    scope.prev = time;
    scope.line = line;
    if (scope.spanId) scope.dirty = true;
  };

  if (type === 'system') {
    // The lines that close a turn: the Stop hooks' summary (2.1) and the turn's duration.
    if ((v.subtype === 'turn_duration' || v.subtype === 'stop_hook_summary') && scopeKey === 'main' && scope.spanId) {
      scope.ended = true;
      touch();
    } else if (v.subtype === 'compact_boundary') {
      const meta = (v.compactMetadata ?? {}) as { trigger?: unknown; preTokens?: unknown };
      emit({
        spanId: claudeIds.hook(sid, `compact:${String(v.uuid ?? time)}`),
        parentSpanId: scope.spanId ?? claudeIds.session(sid),
        name: 'compact boundary',
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
      scope.quiet = false;
      touch();
      return undefined;
    }
    const text = promptText(message.content) ?? '';
    scope.input = { messages: [{ role: 'user', content: limitValue(message.content, { maxString: 8192, maxArray: 20, maxKeys: 20, maxDepth: 6 }) }] };
    if (scopeKey !== 'main') {
      if (v.isMeta !== true) startAgentScope(state, scope, scopeKey, sid, time, text, v.agentId);
      touch();
    } else if (text.startsWith('[Request interrupted')) {
      if (scope.spanId) scope.ended = true;
      touch();
    } else if (!isPrompt(v, text)) {
      // Not a turn of its own; the model may answer it within the current turn. Its time only
      // tells when the next request was sent.
      scope.prev = time;
      if (text.trimStart().startsWith('<local-command-std')) scope.pending = undefined; // the command ran locally
    } else if (text.trimStart().startsWith('<command-name>')) {
      // A slash command: a turn only if the model works on it (local commands such as /context
      // just print their output), so the turn starts with the first answer.
      scope.pending = { text: commandText(text), time, line, ...(typeof v.promptId === 'string' && v.promptId !== '' ? { promptId: v.promptId } : {}) };
      scope.prev = time;
    } else {
      startTurn(state, scope, sid, text, typeof v.promptId === 'string' && v.promptId !== '' ? v.promptId : undefined, time, out);
      touch();
    }
    return undefined;
  }

  // assistant
  const id = typeof message.id === 'string' ? message.id : typeof v.requestId === 'string' ? v.requestId : String(v.uuid ?? '');
  if (id === '') return 'assistant line without message.id, requestId or uuid';
  if (scopeKey === 'main' && scope.pending) {
    const { text, promptId, time: at } = scope.pending;
    startTurn(state, scope, sid, text, promptId, at, out);
  }
  // The model answering after the turn ended (a background task's notification): the turn goes on.
  if (scopeKey === 'main' && scope.ended) scope.ended = false;
  const parent = scope.spanId ?? claudeIds.session(sid);
  let msg = state.messages.find((m) => m.id === id);
  if (!msg) {
    msg = { id, spanId: claudeIds.llm(sid, id), parentSpanId: parent, start: Math.min(scope.prev ?? time, time), end: time, blocks: [], keys: [], input: scope.input, line, dirty: true, scope: scopeKey };
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
  for (const block of blocksOf(message.content)) {
    const kept = outputBlock(block);
    const key = block.type === 'tool_use' ? `tool_use:${String(block.id)}` : JSON.stringify(kept);
    if (kept && !msg.keys.includes(key) && msg.blocks.length < MAX_BLOCKS) {
      msg.blocks.push(kept);
      msg.keys.push(key);
    }
    if (block.type === 'tool_use' && typeof block.id === 'string') startTool(state, sid, parent, block, time, emit);
  }
  const usesTools = msg.blocks.some((b) => b.type === 'tool_use');
  const answer = answerText(msg.blocks);
  if (answer !== undefined) scope.answer = limitString(answer, TEXT_MAX);
  scope.quiet = !usesTools && answer !== undefined;
  if (msg.stop === 'end_turn' && !usesTools && scope.spanId) scope.ended = true;
  touch();
  return undefined;
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
  const meta = (toolUseResult ?? {}) as { agentId?: unknown; totalDurationMs?: unknown; totalTokens?: unknown; totalToolUseCount?: unknown };
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
    ...(tool.prompt !== undefined ? { input: { prompt: tool.prompt } } : {}),
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
