import { SUBAGENT_TOOLS } from './hook-event.js';
import { claudeIds, countPrompt, turnKey } from './ids.js';
import { limitString } from './limit-value.js';
import { oneLine } from './transcript-content.js';
import { baseOf, flushScope, scalarAttributes, type MappedRecord, type Scope, type TranscriptState } from './transcript-records.js';

/** Where the lines of a transcript nest: turns, subagents (files, inline sidechains, Task calls) and compactions. */

const MAX_SIDECHAIN_UUIDS = 2000;
const MAX_AGENTS_SEEN = 200;
/** Task prompts are kept (to match inline sidechains of older files) up to this length. */
export const PROMPT_KEY = 2048;
export const TEXT_MAX = 16_384;

/** A prompt starts a turn; the turn before it, if it had no end marker, ends at its last event. */
export function startTurn(state: TranscriptState, scope: Scope, sid: string, text: string, promptId: string | undefined, time: number, out: MappedRecord[]): void {
  if (scope.spanId) {
    scope.ended = true;
    flushScope(baseOf(sid), scope, out);
  }
  Object.assign(scope, {
    spanId: claudeIds.turn(sid, turnKey(promptId, text, countPrompt((state.prompts ??= {}), text))),
    parentSpanId: claudeIds.session(sid),
    name: `turn: ${oneLine(text) || '(empty prompt)'}`,
    start: time,
    last: time,
    prev: time,
    ended: false,
    quiet: false,
    dirty: true,
    prompt: limitString(text, TEXT_MAX),
    answer: undefined,
    pending: undefined,
  } satisfies Scope);
}

/** `/name args` of a slash command line (`<command-name>/name</command-name> … <command-args>args</command-args>`). */
export function commandText(text: string): string {
  const name = /<command-name>([^<]*)<\/command-name>/.exec(text)?.[1]?.trim() ?? '';
  const args = /<command-args>([^<]*)<\/command-args>/.exec(text)?.[1]?.trim() ?? '';
  return `${name}${args ? ` ${args}` : ''}` || text;
}

/** `agent_progress` lines (2.1) name the subagent a running Task call started: open its span there. */
export function mapProgress(state: TranscriptState, v: Record<string, unknown>, line: number, out: MappedRecord[]): undefined {
  const data = (v.data ?? {}) as { type?: unknown; agentId?: unknown };
  const toolUseId = v.parentToolUseID;
  if (data.type !== 'agent_progress' || typeof data.agentId !== 'string' || typeof toolUseId !== 'string' || typeof v.sessionId !== 'string') return undefined;
  const seen = (state.agentsSeen ??= []);
  if (seen.includes(data.agentId)) return undefined;
  seen.push(data.agentId);
  if (seen.length > MAX_AGENTS_SEEN) seen.shift();
  const sid = v.sessionId;
  const tool = state.tools[toolUseId];
  const time = typeof v.timestamp === 'string' ? Date.parse(v.timestamp) : NaN;
  out.push({
    line,
    record: {
      ...baseOf(sid),
      spanId: claudeIds.agent(sid, data.agentId),
      parentSpanId: claudeIds.tool(sid, toolUseId),
      name: limitString(`subagent: ${tool?.agentType ?? data.agentId}`, 200),
      kind: 'agent',
      startTime: tool?.start ?? (Number.isFinite(time) ? time : Date.now()),
      attributes: scalarAttributes({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': data.agentId, 'gen_ai.agent.name': tool?.agentType }),
    },
  });
  return undefined;
}

/** Which scope a line belongs to: the main conversation, or a subagent's (or a compaction's). */
export function scopeOf(state: TranscriptState, v: Record<string, unknown>): string {
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

export function startAgentScope(state: TranscriptState, scope: Scope, spanId: string, sid: string, time: number, prompt: string, agentId: unknown): void {
  if (scope.spanId) return;
  if (typeof agentId === 'string' && agentId.startsWith('acompact')) {
    // The conversation being summarized for compaction: part of the session, not a subagent.
    Object.assign(scope, { spanId, parentSpanId: claudeIds.session(sid), name: 'compaction', compaction: true, start: time, last: time } satisfies Scope);
    return;
  }
  // A sidechain of an older file: its Task call is the open one with the same prompt.
  const key = prompt.slice(0, PROMPT_KEY);
  const task = Object.values(state.tools).find((t) => SUBAGENT_TOOLS.has(t.name) && !t.agentSpanId && t.prompt === key);
  if (task) task.agentSpanId = spanId;
  const main = state.scopes.main;
  Object.assign(scope, {
    spanId,
    parentSpanId: task?.spanId ?? main?.spanId ?? claudeIds.session(sid),
    name: `subagent: ${task?.agentType ?? state.agentId ?? 'sidechain'}`,
    start: time,
    last: time,
    ended: false,
  } satisfies Scope);
}
