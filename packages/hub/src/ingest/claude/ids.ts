import { createHash } from 'node:crypto';
import { limitValue } from './limit-value.js';

/**
 * Stable span and trace ids for Claude Code data. Hook events arrive from separate processes and
 * transcripts are re-read after restarts, so ids are derived by hashing what identifies the thing
 * (session, tool_use_id, message id …), never drawn at random: the same tool call seen by a
 * PreToolUse hook, a PostToolUse hook and a transcript line always lands on one span.
 */
export function hashId(key: string, length: 16 | 32): string {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, length);
  // An all-zero id is invalid in W3C Trace Context; a sha256 prefix of zeros is practically impossible.
  return /^0+$/.test(hex) ? `1${hex.slice(1)}` : hex;
}

const scoped = (sessionId: string, ...parts: string[]) => ['claude-code', sessionId, ...parts].join('\u0000');

export const claudeIds = {
  /** One trace per Claude Code session. */
  trace: (sessionId: string) => hashId(scoped(sessionId), 32),
  /** The session's root span. */
  session: (sessionId: string) => hashId(scoped(sessionId, 'session'), 16),
  /** A turn: one user prompt and everything the agent did for it. */
  turn: (sessionId: string, key: string) => hashId(scoped(sessionId, 'turn', key), 16),
  /** One tool call, by its tool_use_id. */
  tool: (sessionId: string, toolUseId: string) => hashId(scoped(sessionId, 'tool', toolUseId), 16),
  /** A subagent, by its agent id (hook agent_id, transcript agentId). */
  agent: (sessionId: string, agentId: string) => hashId(scoped(sessionId, 'agent', agentId), 16),
  /** One model response, by its Anthropic message id. */
  llm: (sessionId: string, messageId: string) => hashId(scoped(sessionId, 'llm', messageId), 16),
  /** A hook event kept as its own span. */
  hook: (sessionId: string, key: string) => hashId(scoped(sessionId, 'hook', key), 16),
};

/** A short digest of any JSON value, for ids that must be stable across deliveries of one event. */
export function digest(value: unknown): string {
  return createHash('sha256').update(serialize(value)).digest('hex').slice(0, 16);
}

/**
 * JSON.stringify recurses: a value nested a few thousand levels deep (a hostile hook payload)
 * overflows the stack. Such a value is digested from its first 64 levels instead, so the event is
 * still stored (its deep part truncated like any other value) and the rest of the batch with it.
 */
function serialize(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.stringify(limitValue(value, { maxString: Infinity, maxArray: Infinity, maxKeys: Infinity, maxDepth: 64 }));
  }
}

/**
 * What identifies a turn, the same for hooks and transcripts so both build one span: Claude Code's
 * prompt id where the version writes it (hook `prompt_id`, transcript `promptId`), else the
 * prompt's text and how many times this session submitted that same text before.
 */
export function turnKey(promptId: string | undefined, prompt: string, seenBefore: number): string {
  if (promptId) return `prompt:${promptId}`;
  return `text:${promptDigest(prompt)}:${seenBefore}`;
}

/** A digest of a prompt's text, blind to whitespace differences between hooks and transcripts. */
export function promptDigest(prompt: string): string {
  return digest(prompt.replace(/\s+/g, ' ').trim());
}

const MAX_PROMPTS = 1000;

/** Counts a submitted prompt; returns how many times it was seen before (bounded memory). */
export function countPrompt(seen: Record<string, number>, prompt: string): number {
  const key = promptDigest(prompt);
  const before = seen[key] ?? 0;
  delete seen[key];
  seen[key] = before + 1;
  const keys = Object.keys(seen);
  if (keys.length > MAX_PROMPTS) delete seen[keys[0]!];
  return before;
}
