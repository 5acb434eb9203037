import type { SpanRecordInput, SpanStatus } from '@runtime-hub/protocol';
import { CLAUDE_SERVICE } from './hook-mapping.js';
import { claudeIds } from './ids.js';
import { limitString } from './limit-value.js';
import { llmAttributes, type ContentBlock, type Usage } from './transcript-content.js';

/** The state a transcript's mapping carries from one batch of lines to the next, and the records it builds. */

export interface MappedRecord {
  record: SpanRecordInput;
  line: number;
}

export interface Scope {
  /** The turn (main conversation), agent span (subagent) or compaction span lines of this scope nest in. */
  spanId?: string;
  parentSpanId?: string | null;
  name?: string;
  /** A compaction (`agent-acompact-*.jsonl`), not a subagent. */
  compaction?: boolean;
  start?: number;
  last?: number;
  /** Ended by a marker (end_turn, stop_hook_summary, turn_duration, an interruption, the next prompt). */
  ended?: boolean;
  /**
   * Nothing is pending: the last event was an answer without tool calls. Claude Code 2.1 writes
   * `stop_reason: null` on every line, so a turn that got no marker ends at its last event.
   */
  quiet?: boolean;
  dirty?: boolean;
  /** Its start record was sent (inline sidechains of older files send only that). */
  opened?: boolean;
  /** Time of the last line: when the next model request was sent. */
  prev?: number;
  /** What the next model request answers (the prompt or the tool results). */
  input?: unknown;
  /** The turn's prompt and the agent's last answer. */
  prompt?: string;
  answer?: string;
  /** A slash command waiting for the model to answer it before it counts as a turn. */
  pending?: { text: string; time: number; line: number; promptId?: string };
  line?: number;
}

export interface Message {
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

export interface OpenTool {
  spanId: string;
  name: string;
  start: number;
  prompt?: string;
  agentType?: string;
  /** A sidechain (older files) matched to this Task call by its prompt. */
  agentSpanId?: string;
  /** Ended without a result because the file went idle (finishTranscript). */
  closed?: boolean;
}

export interface TranscriptState {
  sessionId?: string;
  /** Set for subagent and compaction files: every line carries this agentId. */
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
  /** How often each prompt text was submitted (turn ids shared with hooks, see ids.ts turnKey). */
  prompts?: Record<string, number>;
  /** Subagents whose span was opened from an agent_progress line. */
  agentsSeen?: string[];
  /** What was open was closed because the file went idle; new lines clear it. */
  idle?: boolean;
}

export type Base = { traceId: string; service: string; sessionId: string };

export function baseOf(sessionId: string): Base {
  return { traceId: claudeIds.trace(sessionId), service: CLAUDE_SERVICE, sessionId };
}

/** Records for everything the lines changed: session, turns, compactions, model responses. */
export function flush(state: TranscriptState, out: MappedRecord[]): void {
  const sid = state.sessionId;
  if (!sid) return;
  const base = baseOf(sid);
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
        // A session is as long as what was written of it: never "running" after it stopped writing.
        endTime: state.last,
        status: 'ok',
        attributes: scalarAttributes({ 'claude_code.session_id': sid, 'claude_code.cwd': state.cwd, 'claude_code.version': state.version, 'claude_code.git_branch': state.gitBranch }),
      },
    });
  }
  state.sessionDirty = false;
  for (const [key, scope] of Object.entries(state.scopes)) {
    if (key !== 'main' && !scope.compaction && scope.spanId) {
      // An inline sidechain only opens its agent span; the parent's Task result (or SubagentStop)
      // ends it. Subagent files open none: their span comes from the Task call (its result or an
      // agent_progress line) or the SubagentStart hook, which know where it belongs.
      if (!scope.opened && !state.agentId) flushScope(base, { ...scope, ended: false, quiet: false }, out);
      scope.opened = true;
      scope.dirty = false;
      continue;
    }
    if (scope.dirty) flushScope(base, scope, out);
  }
  for (const msg of state.messages) flushMessage(base, msg, out);
}

export function flushMessage(base: Base, msg: Message, out: MappedRecord[]): void {
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

/** A turn, an inline sidechain's agent span or a compaction span. */
export function flushScope(base: Base, scope: Scope, out: MappedRecord[]): void {
  if (!scope.spanId || scope.start === undefined) return;
  const record: SpanRecordInput = {
    ...base,
    spanId: scope.spanId,
    name: limitString(scope.name ?? 'turn', 200),
    kind: scope.compaction ? 'internal' : 'agent',
    startTime: scope.start,
  };
  if (scope.parentSpanId !== undefined) record.parentSpanId = scope.parentSpanId;
  if (scope.prompt !== undefined) record.input = { prompt: scope.prompt };
  if (scope.answer !== undefined) record.output = scope.answer;
  if (scope.compaction) record.attributes = { 'claude_code.compaction': true };
  // A compaction is done when its summary is written; a turn at its last event once nothing is pending.
  if (scope.ended || scope.quiet || scope.compaction) {
    record.endTime = Math.max(scope.last ?? scope.start, scope.start);
    record.status = 'ok';
  }
  out.push({ record, line: scope.line ?? 0 });
  scope.dirty = false;
  // Sent: the store keeps them (a later record without them leaves them as they are), so the
  // state saved with every file's read position stays small.
  scope.prompt = undefined;
  scope.answer = undefined;
}

export function scalarAttributes(values: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = limitString(value, 1024);
    else if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
    else if (typeof value === 'boolean') out[key] = value;
  }
  return out;
}
