/**
 * Adding and removing runtime-hub's hooks in a Claude Code settings object (`.claude/settings.json`).
 * Pure: objects in, objects out. Everything that is not ours is kept as it was; ours are recognized
 * by their command (`… runtime-hub … hook`) or their URL (`…/api/v1/hooks/claude`), so reinstalling
 * replaces them and uninstalling removes exactly them.
 */

/** The events runtime-hub listens to. */
export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'SubagentStart',
  'SubagentStop',
  'Notification',
  'Stop',
  'PreCompact',
  'SessionEnd',
] as const;

/** Events whose matcher is a tool name: ours matches every tool. */
const TOOL_EVENTS = new Set<string>(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);

export type HookHandler =
  | { type: 'command'; command: string; timeout?: number; async?: boolean }
  | { type: 'http'; url: string; timeout?: number; headers?: Record<string, string>; allowedEnvVars?: string[] };

type Settings = Record<string, unknown>;
interface MatcherGroup {
  matcher?: string;
  hooks?: unknown[];
  [key: string]: unknown;
}

const OUR_COMMAND = /runtime-hub(?:\.js)?["']?\s+hook(?:\s|$)/;

export function isOurHandler(handler: unknown): boolean {
  if (handler === null || typeof handler !== 'object') return false;
  const h = handler as { type?: unknown; command?: unknown; url?: unknown };
  if (h.type === 'command' && typeof h.command === 'string') return OUR_COMMAND.test(h.command);
  if (h.type === 'http' && typeof h.url === 'string') return h.url.replace(/\/+$/, '').endsWith('/api/v1/hooks/claude');
  return false;
}

/** Adds our handler to every event we listen to (after removing any earlier install of ours). */
export function installHooks(settings: Settings, handler: HookHandler): Settings {
  const out = removeHooks(settings);
  const hooks = isObject(out.hooks) ? { ...out.hooks } : {};
  for (const event of HOOK_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? [...(hooks[event] as unknown[])] : [];
    groups.push(TOOL_EVENTS.has(event) ? { matcher: '*', hooks: [handler] } : { hooks: [handler] });
    hooks[event] = groups;
  }
  return { ...out, hooks };
}

/** Removes our handlers; groups and events left empty by that go too. Others are untouched. */
export function removeHooks(settings: Settings): Settings {
  if (!isObject(settings.hooks)) return { ...settings };
  const hooks: Record<string, unknown> = {};
  let removedAny = false;
  for (const [event, value] of Object.entries(settings.hooks)) {
    if (!Array.isArray(value)) {
      hooks[event] = value;
      continue;
    }
    const groups: unknown[] = [];
    let removedHere = false;
    for (const group of value as unknown[]) {
      const g = group as MatcherGroup;
      if (!isObject(group) || !Array.isArray(g.hooks)) {
        groups.push(group);
        continue;
      }
      const kept = g.hooks.filter((h) => !isOurHandler(h));
      if (kept.length === g.hooks.length) groups.push(group);
      else {
        removedHere = true;
        if (kept.length > 0) groups.push({ ...g, hooks: kept });
      }
    }
    removedAny ||= removedHere;
    if (groups.length > 0 || !removedHere) hooks[event] = groups;
  }
  const out = { ...settings, hooks };
  if (removedAny && Object.keys(hooks).length === 0) delete (out as Settings).hooks;
  return out;
}

/** How many of our handlers the settings hold. */
export function countOurHooks(settings: Settings): number {
  if (!isObject(settings.hooks)) return 0;
  let n = 0;
  for (const value of Object.values(settings.hooks)) {
    if (!Array.isArray(value)) continue;
    for (const group of value as MatcherGroup[]) {
      if (isObject(group) && Array.isArray(group.hooks)) n += group.hooks.filter(isOurHandler).length;
    }
  }
  return n;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
