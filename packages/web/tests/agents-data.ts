import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

/**
 * Data for the Agents view's browser tests: the hub's real-shaped Claude Code fixtures
 * (packages/hub/src/ingest/claude/fixtures, sources in its README) and a session of hook events
 * composed in the same shape as the fixture's hooks.json (Claude Code 2.1.x hook payloads), with
 * Edit, Write and a failed Bash call, and hostile text in the prompt, tool inputs and file names.
 */
export const CLAUDE_FIXTURES = fileURLToPath(new URL('../../hub/src/ingest/claude/fixtures/', import.meta.url));
export const OPENAI_SCRIPT = fileURLToPath(new URL('../../hub/src/ingest/otlp/fixtures/openai_logs_export.py', import.meta.url));

export const SESSIONS = {
  compaction: '4d5611e5-241a-462a-8d15-5122611a9569',
  parallel: '8427ae52-369a-420b-bf83-434a42ea03ab',
  sidechain: '6151b6fd-3c2a-4e8b-9d1f-0a2b3c4d5e9a',
  hostile: '5b0c4e1a-9d2f-4c3b-8e7a-1f2d3c4b5a69',
} as const;

/** A folder laid out like ~/.claude/projects with the three fixture sessions (no hooks files). */
export function transcriptsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rh-agents-projects-'));
  for (const fixture of ['v2.1.39-compaction', 'v2.1.72-parallel-tasks', 'v1.0.98-sidechain']) {
    cpSync(join(CLAUDE_FIXTURES, fixture), dir, { recursive: true, filter: (src) => !src.endsWith('hooks.json') });
  }
  return dir;
}

export function fixtureHooks(dir: string): { at: string; event: Record<string, unknown> }[] {
  return JSON.parse(readFileSync(join(CLAUDE_FIXTURES, dir, 'hooks.json'), 'utf8')) as { at: string; event: Record<string, unknown> }[];
}

export const HOSTILE = {
  prompt: '<script>alert("prompt")</script> fix the <img src=x onerror=alert("prompt-img")> bug',
  editPath: '/home/dev/shop/src/<img src=x onerror=alert("file")>.ts',
  oldText: "const greeting = '<script>alert(\"old\")</script>';\nexport default greeting;",
  newText: "const greeting = 'hello';\nexport default greeting;",
  writePath: '/home/dev/shop/src/notes.md',
  writeContent: '# Notes\n<img src=x onerror=alert("write")>',
  bashError: 'Exit code 1\n<script>alert("stderr")</script> 1 test failed',
};

/** The hostile session's hook events, as Claude Code posts them, `t0` the first event's time. */
export function hostileSession(t0: number): { receivedAt: number; event: Record<string, unknown> }[] {
  const base = {
    session_id: SESSIONS.hostile,
    transcript_path: `/home/dev/.claude/projects/-home-dev-shop/${SESSIONS.hostile}.jsonl`,
    cwd: '/home/dev/shop',
    permission_mode: 'default',
  };
  const events: Record<string, unknown>[] = [
    { ...base, hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' },
    { ...base, hook_event_name: 'UserPromptSubmit', prompt: HOSTILE.prompt },
    { ...base, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: HOSTILE.editPath }, tool_use_id: 'toolu_01ReadHostile000000001' },
    { ...base, hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: { file_path: HOSTILE.editPath }, tool_response: { type: 'text', file: { filePath: HOSTILE.editPath, content: HOSTILE.oldText, numLines: 2, startLine: 1, totalLines: 2 } }, tool_use_id: 'toolu_01ReadHostile000000001' },
    { ...base, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: HOSTILE.editPath, old_string: HOSTILE.oldText, new_string: HOSTILE.newText }, tool_use_id: 'toolu_01EditHostile000000001' },
    {
      ...base,
      hook_event_name: 'PostToolUse',
      tool_name: 'Edit',
      tool_input: { file_path: HOSTILE.editPath, old_string: HOSTILE.oldText, new_string: HOSTILE.newText },
      tool_response: { filePath: HOSTILE.editPath, oldString: HOSTILE.oldText, newString: HOSTILE.newText, originalFile: HOSTILE.oldText, structuredPatch: [], userModified: false, replaceAll: false },
      tool_use_id: 'toolu_01EditHostile000000001',
    },
    { ...base, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: HOSTILE.writePath, content: HOSTILE.writeContent }, tool_use_id: 'toolu_01WriteHostile00000001' },
    { ...base, hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: HOSTILE.writePath, content: HOSTILE.writeContent }, tool_response: { type: 'create', filePath: HOSTILE.writePath, content: HOSTILE.writeContent, structuredPatch: [] }, tool_use_id: 'toolu_01WriteHostile00000001' },
    { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test', description: 'Run the tests' }, tool_use_id: 'toolu_01BashHostile000000001' },
    { ...base, hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'npm test', description: 'Run the tests' }, tool_use_id: 'toolu_01BashHostile000000001', error: HOSTILE.bashError, is_interrupt: false },
    { ...base, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'Fixed the greeting; one test still fails.' },
  ];
  return events.map((event, i) => ({ receivedAt: t0 + i * 400, event }));
}

/** A page that fails the test on any dialog (a payload's alert) or uncaught error: call the result at the end. */
export function guard(page: Page): () => void {
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return () => expect(problems).toEqual([]);
}
