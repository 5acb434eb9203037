import type { SpanRecordInput } from '@runtime-hub/protocol';
import { SUBAGENT_TOOLS, type HookEvent } from './hook-event.js';
import { agentAttributes, clip, errorText, hookAttributes, pick, resultAgentId, sessionAttributes, sessionName, toolAttributes } from './hook-fields.js';
import { claudeIds, countPrompt, digest, turnKey } from './ids.js';
import { limitString, limitValue } from './limit-value.js';
import { oneLine } from './transcript-content.js';

/** The service every Claude Code span is filed under. */
export const CLAUDE_SERVICE = 'claude-code';

/**
 * What the mapping remembers about one session between its events. Hook payloads do not say which
 * turn or subagent an event belongs to on every Claude Code version, so the hub keeps this much.
 * It is soft state: losing it (a hub restart) degrades nesting, never loses an event.
 */
export interface SessionState {
  /** The session span was sent (or ensured) since the hub started. */
  started: boolean;
  /** The turn opened by the last UserPromptSubmit, until Stop. */
  turn: { spanId: string; startTime: number } | null;
  /** Open Task / Agent tool calls not yet linked to a subagent, oldest first. */
  taskTools: { spanId: string; toolUseId: string }[];
  /** Open subagents, oldest first. */
  agents: { agentId: string; spanId: string }[];
  /**
   * Some event of this session carried `agent_id` outside SubagentStart/Stop: this Claude Code
   * version marks subagent events, so an event without it belongs to the main agent.
   */
  marksAgents: boolean;
  /** How often each prompt text was submitted (turn ids shared with transcripts, see ids.ts turnKey). */
  prompts: Record<string, number>;
}

export function newSessionState(): SessionState {
  return { started: false, turn: null, taskTools: [], agents: [], marksAgents: false, prompts: {} };
}

export interface HookMapping {
  records: SpanRecordInput[];
  state: SessionState;
  /**
   * Span ids whose parent in these records is certain (a subagent placed by the agent id in its
   * Task call's result): it replaces whatever parent was guessed before.
   */
  relinked: string[];
}

const MAX_OPEN = 64;

/**
 * Maps one hook event to span records. Pure: the same event, time and state give the same records.
 *
 * - SessionStart / SessionEnd start and end the session's root span (kind agent).
 * - UserPromptSubmit starts a turn (kind agent) under the session; Stop ends it, and moves the
 *   session's end to that moment (as a transcript's session ends at its last line).
 * - PreToolUse starts a tool span, PostToolUse / PostToolUseFailure end it: both derive the span id
 *   from session_id + tool_use_id, so they pair even when sent by separate processes.
 * - SubagentStart / SubagentStop start and end an agent span; tools whose event carries the
 *   subagent's agent_id nest inside it.
 * - Notification, Stop, PreCompact and every other event become hook spans holding the full payload.
 *
 * End records carry `receivedAt` as their startTime and a placeholder name where the event does not
 * say them: the caller anchors them to the stored span (see anchor.ts), which the mapping cannot see.
 *
 * @example
 *   const { records, state } = mapHookEvent(event, Date.now(), sessions.get(event.session_id));
 */
export function mapHookEvent(event: HookEvent, receivedAt: number, prior: SessionState | undefined): HookMapping {
  const state = copyState(prior ?? newSessionState());
  const sid = event.session_id;
  const name = event.hook_event_name;
  const base = { traceId: claudeIds.trace(sid), service: CLAUDE_SERVICE, sessionId: sid };
  const sessionSpanId = claudeIds.session(sid);
  const records: SpanRecordInput[] = [];
  const relinked: string[] = [];
  const isSubagentEvent = name === 'SubagentStart' || name === 'SubagentStop';
  if (event.agent_id && !isSubagentEvent) state.marksAgents = true;

  if (!state.started && name !== 'SessionStart') {
    // The session span exists before anything nests in it, even if hooks were installed mid-session.
    records.push({
      ...base,
      spanId: sessionSpanId,
      parentSpanId: null,
      name: sessionName(event),
      kind: 'agent',
      startTime: receivedAt,
      attributes: sessionAttributes(event),
    });
    state.started = true;
  }

  const turnSpanId = event.prompt_id ? claudeIds.turn(sid, `prompt:${event.prompt_id}`) : state.turn?.spanId;
  const agentScope = (): string | undefined => {
    if (event.agent_id && !isSubagentEvent) return ensureAgent(event.agent_id);
    // Older versions do not mark subagent events: while exactly one subagent runs, the main agent
    // waits for it, so an unmarked tool event is the subagent's.
    if (!state.marksAgents && state.agents.length === 1) return state.agents[0]!.spanId;
    return undefined;
  };
  const ensureAgent = (agentId: string): string => {
    const spanId = claudeIds.agent(sid, agentId);
    if (!state.agents.some((a) => a.agentId === agentId)) {
      records.push({
        ...base,
        spanId,
        parentSpanId: turnSpanId ?? sessionSpanId,
        name: clip(`subagent: ${event.agent_type ?? agentId}`),
        kind: 'agent',
        startTime: receivedAt,
        attributes: agentAttributes(agentId, event.agent_type),
      });
      pushBounded(state.agents, { agentId, spanId });
    }
    return spanId;
  };
  const parent = () => agentScope() ?? turnSpanId ?? sessionSpanId;
  const hookSpan = (parentSpanId: string) =>
    records.push({
      ...base,
      spanId: claudeIds.hook(sid, `${name}:${receivedAt}:${digest(event)}`),
      parentSpanId,
      name: clip(name),
      kind: 'hook',
      startTime: receivedAt,
      endTime: receivedAt,
      status: 'ok',
      input: limitValue(event),
      attributes: hookAttributes(event),
    });
  const endTurn = (status: 'ok' | 'error', extra: Partial<SpanRecordInput> = {}) => {
    const spanId = turnSpanId;
    if (!spanId) return;
    records.push({
      ...base,
      spanId,
      parentSpanId: sessionSpanId,
      name: 'turn',
      kind: 'agent',
      startTime: state.turn?.spanId === spanId ? state.turn.startTime : receivedAt,
      endTime: receivedAt,
      status,
      ...extra,
    });
    state.turn = null;
  };

  switch (name) {
    case 'SessionStart':
      records.push({
        ...base,
        spanId: sessionSpanId,
        parentSpanId: null,
        name: sessionName(event),
        kind: 'agent',
        startTime: receivedAt,
        input: limitValue(pick(event, ['source', 'model', 'agent_type', 'cwd', 'transcript_path', 'permission_mode'])),
        attributes: sessionAttributes(event),
      });
      state.started = true;
      break;

    case 'SessionEnd':
      endTurn('ok');
      for (const agent of state.agents) records.push(endAgent(base, agent.spanId, receivedAt, 'unset'));
      state.agents = [];
      state.taskTools = [];
      records.push({
        ...base,
        spanId: sessionSpanId,
        parentSpanId: null,
        name: sessionName(event),
        kind: 'agent',
        startTime: receivedAt,
        endTime: receivedAt,
        status: 'ok',
        output: limitValue(pick(event, ['reason'])),
      });
      break;

    case 'UserPromptSubmit': {
      const prompt = typeof event.prompt === 'string' ? event.prompt : '';
      // The same id the transcript gives this turn (prompt id, else text and repetition).
      const spanId = claudeIds.turn(sid, turnKey(event.prompt_id, prompt, countPrompt(state.prompts, prompt)));
      if (state.turn && state.turn.spanId !== spanId) {
        // The previous turn never saw its Stop (interrupted, or the hook was missed).
        records.push({ ...base, spanId: state.turn.spanId, parentSpanId: sessionSpanId, name: 'turn', kind: 'agent', startTime: state.turn.startTime, endTime: receivedAt, status: 'unset' });
      }
      records.push({
        ...base,
        spanId,
        parentSpanId: sessionSpanId,
        name: clip(`turn: ${oneLine(prompt) || '(empty prompt)'}`),
        kind: 'agent',
        startTime: receivedAt,
        input: { prompt: limitString(prompt, 16_384) },
        attributes: event.prompt_id ? { 'claude_code.prompt_id': event.prompt_id } : {},
      });
      state.turn = { spanId, startTime: receivedAt };
      break;
    }

    case 'Stop':
    case 'StopFailure': {
      hookSpan(turnSpanId ?? sessionSpanId);
      const failed = name === 'StopFailure';
      const output = typeof event.last_assistant_message === 'string' ? limitString(event.last_assistant_message, 16_384) : undefined;
      endTurn(failed ? 'error' : 'ok', {
        ...(output !== undefined ? { output } : {}),
        ...(failed ? { error: { type: 'StopFailure', message: errorText(event.error ?? event.error_message ?? event.reason, 'the turn failed') } } : {}),
      });
      // The session has done what it was asked: it lasts until here (the next turn moves its end),
      // so a session that is never ended (closed terminal, crash) does not run forever.
      records.push({ ...base, spanId: sessionSpanId, parentSpanId: null, name: sessionName(event), kind: 'agent', startTime: receivedAt, endTime: receivedAt, status: 'ok' });
      break;
    }

    case 'PreToolUse': {
      const spanId = toolSpanId(sid, event);
      records.push({ ...base, spanId, parentSpanId: parent(), name: clip(event.tool_name ?? 'tool'), kind: 'tool', startTime: receivedAt, input: limitValue(event.tool_input), attributes: toolAttributes(event) });
      if (event.tool_name && SUBAGENT_TOOLS.has(event.tool_name)) pushBounded(state.taskTools, { spanId, toolUseId: event.tool_use_id ?? spanId });
      break;
    }

    case 'PostToolUse':
    case 'PostToolUseFailure': {
      const spanId = toolSpanId(sid, event);
      const failed = name === 'PostToolUseFailure';
      const record: SpanRecordInput = {
        ...base,
        spanId,
        parentSpanId: parent(),
        name: clip(event.tool_name ?? 'tool'),
        kind: 'tool',
        startTime: receivedAt,
        endTime: receivedAt,
        status: failed ? 'error' : 'ok',
        input: limitValue(event.tool_input),
        attributes: toolAttributes(event),
      };
      if (failed) {
        record.error = { type: event.is_interrupt ? 'Interrupted' : 'ToolError', message: errorText(event.error, 'the tool call failed') };
      } else if (event.tool_response !== undefined) {
        record.output = limitValue(event.tool_response);
      }
      records.push(record);
      state.taskTools = state.taskTools.filter((t) => t.spanId !== spanId);
      // A Task call's result names the subagent it ran: that, not the order of SubagentStart
      // events (parallel calls), says which subagent belongs under which call.
      const agentId = event.tool_name && SUBAGENT_TOOLS.has(event.tool_name) ? resultAgentId(event.tool_response) : undefined;
      if (agentId) {
        const agentType = (event.tool_input as { subagent_type?: unknown } | undefined)?.subagent_type;
        const agentSpanId = claudeIds.agent(sid, agentId);
        records.push({
          ...base,
          spanId: agentSpanId,
          parentSpanId: spanId,
          name: clip(`subagent: ${typeof agentType === 'string' ? agentType : agentId}`),
          kind: 'agent',
          startTime: receivedAt,
          endTime: receivedAt,
          status: failed ? 'error' : 'ok',
          attributes: agentAttributes(agentId, typeof agentType === 'string' ? agentType : undefined),
        });
        relinked.push(agentSpanId);
        state.agents = state.agents.filter((a) => a.agentId !== agentId);
      }
      break;
    }

    case 'SubagentStart': {
      const agentId = event.agent_id ?? `at:${receivedAt}`;
      const spanId = claudeIds.agent(sid, agentId);
      // With one Task call open it started this agent; with several (parallel calls) the agent
      // waits under the turn until its call's result names it (PostToolUse).
      const task = state.taskTools.length === 1 ? state.taskTools.shift() : undefined;
      records.push({
        ...base,
        spanId,
        parentSpanId: task?.spanId ?? turnSpanId ?? sessionSpanId,
        name: clip(`subagent: ${event.agent_type ?? agentId}`),
        kind: 'agent',
        startTime: receivedAt,
        input: limitValue(pick(event, ['agent_type', 'prompt'])),
        attributes: agentAttributes(agentId, event.agent_type),
      });
      if (!state.agents.some((a) => a.agentId === agentId)) pushBounded(state.agents, { agentId, spanId });
      break;
    }

    case 'SubagentStop': {
      // Older versions send no agent_id: the oldest running subagent is the one that stopped.
      const agent = event.agent_id ? state.agents.find((a) => a.agentId === event.agent_id) ?? { agentId: event.agent_id, spanId: claudeIds.agent(sid, event.agent_id) } : state.agents[0];
      if (!agent) {
        hookSpan(parent());
        break;
      }
      const record = endAgent(base, agent.spanId, receivedAt, 'ok');
      record.name = clip(`subagent: ${event.agent_type ?? agent.agentId}`);
      if (typeof event.last_assistant_message === 'string') record.output = limitString(event.last_assistant_message, 16_384);
      record.attributes = { ...agentAttributes(agent.agentId, event.agent_type), ...(event.agent_transcript_path ? { 'claude_code.agent_transcript_path': event.agent_transcript_path } : {}) };
      records.push(record);
      state.agents = state.agents.filter((a) => a.agentId !== agent.agentId);
      break;
    }

    default:
      // Notification, PreCompact, PermissionRequest and events newer than this code.
      hookSpan(parent());
  }
  return { records, state, relinked };
}

function endAgent(base: { traceId: string; service: string; sessionId: string }, spanId: string, at: number, status: 'ok' | 'unset'): SpanRecordInput {
  return { ...base, spanId, name: 'subagent', kind: 'agent', startTime: at, endTime: at, status };
}

function toolSpanId(sid: string, event: HookEvent): string {
  // Versions without tool_use_id pair Pre and Post by tool name and input.
  return claudeIds.tool(sid, event.tool_use_id ?? `input:${event.tool_name ?? ''}:${digest(event.tool_input)}`);
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_OPEN) list.shift();
}

function copyState(state: SessionState): SessionState {
  return { ...state, turn: state.turn ? { ...state.turn } : null, taskTools: [...state.taskTools], agents: [...state.agents], prompts: { ...state.prompts } };
}
