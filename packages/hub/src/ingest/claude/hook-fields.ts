import type { Attributes } from '@runtime-hub/protocol';
import type { HookEvent } from './hook-event.js';
import { limitString } from './limit-value.js';

/** Reading hook payloads: names, attributes and texts of the spans hook events make. */

const NAME_MAX = 200;

export function sessionName(event: HookEvent): string {
  const folder = typeof event.cwd === 'string' ? event.cwd.split(/[\\/]/).filter(Boolean).pop() : undefined;
  return clip(`claude-code: ${folder ?? event.session_id.slice(0, 8)}`);
}

export function sessionAttributes(event: HookEvent): Attributes {
  return scalars({
    'claude_code.session_id': event.session_id,
    'claude_code.cwd': event.cwd,
    'claude_code.transcript_path': event.transcript_path,
    'claude_code.permission_mode': event.permission_mode,
    'gen_ai.request.model': typeof event.model === 'string' ? event.model : undefined,
  });
}

export function toolAttributes(event: HookEvent): Attributes {
  return scalars({
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': event.tool_name,
    'gen_ai.tool.call.id': event.tool_use_id,
    'claude_code.agent_id': event.agent_id,
    'claude_code.agent_type': event.agent_type,
  });
}

export function agentAttributes(agentId: string, agentType: string | undefined): Attributes {
  return scalars({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': agentId, 'gen_ai.agent.name': agentType });
}

export function hookAttributes(event: HookEvent): Attributes {
  return scalars({
    'claude_code.hook_event_name': event.hook_event_name,
    'claude_code.notification_type': event.notification_type,
    'claude_code.trigger': event.trigger,
    'claude_code.agent_id': event.agent_id,
  });
}

export function scalars(values: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = limitString(value, 1024);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

export function pick(event: HookEvent, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (event[field] !== undefined) out[field] = event[field];
  return out;
}

export function errorText(value: unknown, fallback: string): string {
  if (typeof value === 'string' && value !== '') return limitString(value, 16_384);
  if (value !== undefined && value !== null) return limitString(JSON.stringify(value), 16_384);
  return fallback;
}

export function clip(text: string): string {
  return text.length > NAME_MAX ? `${text.slice(0, NAME_MAX - 1)}…` : text;
}

/** The subagent a Task call ran: `agentId` in its result (2.x), or "agentId: …" in the text. */
export function resultAgentId(response: unknown): string | undefined {
  if (response !== null && typeof response === 'object') {
    const id = (response as { agentId?: unknown }).agentId;
    if (typeof id === 'string' && id !== '') return id;
  }
  const text = typeof response === 'string' ? response : JSON.stringify(response ?? '');
  return /agentId: ([0-9a-zA-Z_-]+)/.exec(text)?.[1];
}
