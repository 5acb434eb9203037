/**
 * A Claude Code hook event as Claude Code sends it (stdin of a command hook, body of an HTTP hook).
 * Field names are Claude Code's own. Only `hook_event_name` and `session_id` are required; every
 * other field is optional because it depends on the event and on the Claude Code version, and
 * events unknown today must still be kept.
 */
export interface HookEvent {
  hook_event_name: string;
  session_id: string;
  transcript_path?: string;
  cwd?: string;
  permission_mode?: string;
  /** Present on recent versions once the first prompt was submitted; identifies the turn. */
  prompt_id?: string;
  /** Present when the event fires inside a subagent (and on SubagentStart / SubagentStop). */
  agent_id?: string;
  agent_type?: string;
  // Tool events.
  tool_name?: string;
  tool_input?: unknown;
  tool_use_id?: string;
  tool_response?: unknown;
  /** PostToolUseFailure. */
  error?: unknown;
  is_interrupt?: boolean;
  // Turn and session events.
  prompt?: string;
  source?: string;
  reason?: string;
  model?: string;
  stop_hook_active?: boolean;
  last_assistant_message?: string;
  agent_transcript_path?: string;
  // Notification, PreCompact.
  message?: string;
  title?: string;
  notification_type?: string;
  trigger?: string;
  custom_instructions?: string | null;
  [field: string]: unknown;
}

export type ReadHookEvent = { ok: true; event: HookEvent } | { ok: false; message: string };

const STRING_FIELDS = ['transcript_path', 'cwd', 'prompt_id', 'agent_id', 'agent_type', 'tool_name', 'tool_use_id'] as const;

/** Checks the fields the mapping relies on; everything else is kept as it came. */
export function readHookEvent(value: unknown): ReadHookEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: 'a hook event must be a JSON object' };
  }
  const event = value as Record<string, unknown>;
  if (typeof event.hook_event_name !== 'string' || event.hook_event_name === '') {
    return { ok: false, message: 'hook_event_name: must be a non-empty string' };
  }
  if (typeof event.session_id !== 'string' || event.session_id === '') {
    return { ok: false, message: 'session_id: must be a non-empty string' };
  }
  if (event.session_id.length > 256) return { ok: false, message: 'session_id: must be at most 256 characters' };
  for (const field of STRING_FIELDS) {
    const v = event[field];
    if (v !== undefined && v !== null && typeof v !== 'string') return { ok: false, message: `${field}: must be a string` };
    if (typeof v === 'string' && v.length > 1024) return { ok: false, message: `${field}: must be at most 1024 characters` };
  }
  return { ok: true, event: event as HookEvent };
}

/** Tools that start a subagent: `Task` (and `Agent`, its name in newer versions). */
export const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);
