import { describe, expect, it } from 'vitest';
import { countOurHooks, HOOK_EVENTS, installHooks, isOurHandler, removeHooks, type HookHandler } from './settings-merge.js';

const ours: HookHandler = { type: 'command', command: '"/usr/bin/node" "/opt/runtime-hub/bin/runtime-hub.js" hook', timeout: 10 };
const theirs = {
  model: 'sonnet',
  env: { FOO: '1' },
  hooks: {
    PreToolUse: [
      { matcher: 'Bash', hooks: [{ type: 'command', command: '~/.claude/hooks/guard.sh' }] },
      // A group someone shares with an older install of ours.
      { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'prettier --write' }, { type: 'command', command: 'npx runtime-hub hook' }] },
    ],
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
    CustomFutureThing: 'kept as is',
  },
};

describe('installing hooks into Claude Code settings', () => {
  it('adds our handler to every event, keeps everything else', () => {
    const out = installHooks(theirs, ours) as { model: string; env: object; hooks: Record<string, unknown[]> };
    expect(out.model).toBe('sonnet');
    expect(out.env).toEqual({ FOO: '1' });
    expect(out.hooks.CustomFutureThing).toBe('kept as is');
    expect(countOurHooks(out)).toBe(HOOK_EVENTS.length);
    expect(out.hooks.PreToolUse).toEqual([
      theirs.hooks.PreToolUse[0],
      { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'prettier --write' }] },
      { matcher: '*', hooks: [ours] },
    ]);
    expect(out.hooks.SessionStart).toEqual([{ hooks: [ours] }]);
    expect(out.hooks.Stop).toEqual([...theirs.hooks.Stop, { hooks: [ours] }]);
  });

  it('is idempotent and replaces an earlier install (new path, or --http)', () => {
    const once = installHooks(theirs, ours);
    expect(installHooks(once, ours)).toEqual(once);
    const http: HookHandler = { type: 'http', url: 'http://127.0.0.1:8765/api/v1/hooks/claude', timeout: 5 };
    const switched = installHooks(once, http) as { hooks: Record<string, { hooks: unknown[] }[]> };
    expect(countOurHooks(switched)).toBe(HOOK_EVENTS.length);
    expect(switched.hooks.Notification).toEqual([{ hooks: [http] }]);
  });

  it('uninstall removes only ours, and empty groups and events it left', () => {
    const removed = removeHooks(installHooks(theirs, ours));
    expect(removed).toEqual({
      ...theirs,
      hooks: { ...theirs.hooks, PreToolUse: [theirs.hooks.PreToolUse[0], { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'prettier --write' }] }] },
    });
    expect(removeHooks(installHooks({}, ours))).toEqual({});
    expect(removeHooks({ a: 1 })).toEqual({ a: 1 });
  });

  it('recognizes our handlers and nobody else’s', () => {
    expect(isOurHandler(ours)).toBe(true);
    expect(isOurHandler({ type: 'command', command: 'runtime-hub hook --url http://x' })).toBe(true);
    expect(isOurHandler({ type: 'http', url: 'http://h:1/api/v1/hooks/claude/' })).toBe(true);
    expect(isOurHandler({ type: 'command', command: 'runtime-hub start' })).toBe(false);
    expect(isOurHandler({ type: 'command', command: 'my-runtime-hub-hooks.sh' })).toBe(false);
    expect(isOurHandler({ type: 'http', url: 'http://h/other' })).toBe(false);
  });
});
