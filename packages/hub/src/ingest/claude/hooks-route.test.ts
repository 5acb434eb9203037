import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import { createHub, type Hub } from '../../server.js';
import { claudeIds } from './ids.js';

const SID = 'e2b7c0de-1111-4c3a-9a77-0123456789ab';
const common = { session_id: SID, transcript_path: `/home/dev/.claude/projects/-home-dev-app/${SID}.jsonl`, cwd: '/home/dev/app', permission_mode: 'default' };
const toolUse = 'toolu_01Hooks000000000000000001';
const pre = { ...common, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: toolUse };
const post = { ...pre, hook_event_name: 'PostToolUse', tool_response: { stdout: 'a\nb', stderr: '', interrupted: false, isImage: false } };

const dirs: string[] = [];
const hubs: Hub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function hub(dataDir?: string): Promise<Hub> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'rh-hooks-'));
  if (!dataDir) dirs.push(dir);
  const h = await createHub({ dataDir: dir, logLevel: 'silent' });
  hubs.push(h);
  return h;
}

const postHook = (h: Hub, body: unknown) => h.app.inject({ method: 'POST', url: '/api/v1/hooks/claude', payload: body as object });
const trace = async (h: Hub): Promise<Map<string, Span>> => new Map((await h.ctx.store.getTrace(claudeIds.trace(SID))).map((s) => [s.spanId, s]));

describe('POST /api/v1/hooks/claude', () => {
  it('takes Claude Code HTTP hook events one by one, answers {} and builds the session tree', async () => {
    const h = await hub();
    const events = [
      { ...common, hook_event_name: 'SessionStart', source: 'startup' },
      { ...common, hook_event_name: 'UserPromptSubmit', prompt: 'list files' },
      pre,
      post,
      { ...common, hook_event_name: 'Stop', stop_hook_active: false },
    ];
    for (const event of events) {
      const reply = await postHook(h, event);
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({});
    }
    const spans = await trace(h);
    const session = spans.get(claudeIds.session(SID))!;
    const tool = spans.get(claudeIds.tool(SID, toolUse))!;
    const turn = spans.get(tool.parentSpanId!)!;
    expect(session).toMatchObject({ parentSpanId: null, kind: 'agent', sessionId: SID, status: 'ok' });
    expect(turn).toMatchObject({ parentSpanId: session.spanId, name: 'turn: list files', status: 'ok' });
    expect(turn.endTime).not.toBeNull();
    // Stop: the session has done what it was asked; it is not running until a SessionEnd that may never come.
    expect(session.endTime).toBe(turn.endTime);
    expect(tool).toMatchObject({ kind: 'tool', name: 'Bash', status: 'ok', input: { command: 'ls' }, output: post.tool_response });
    expect(tool.endTime).not.toBeNull();
    expect([...spans.values()].filter((s) => s.kind === 'hook').map((s) => s.name)).toEqual(['Stop']);
  });

  it('builds the same tool span whatever order Pre and Post arrive in, and skips redeliveries', async () => {
    const h = await hub();
    const reply = await postHook(h, { events: [{ receivedAt: 2_000, event: post }] });
    expect(reply.json()).toMatchObject({ accepted: 2, rejected: [], invalid: [], duplicates: 0 });
    const again = await postHook(h, { events: [{ receivedAt: 1_000, event: pre }, { receivedAt: 2_000, event: post }] });
    expect(again.json()).toMatchObject({ duplicates: 1 });
    const tool = (await trace(h)).get(claudeIds.tool(SID, toolUse))!;
    expect(tool).toMatchObject({ startTime: 1_000, endTime: 2_000, durationMs: 1_000, status: 'ok', output: post.tool_response });
  });

  it('pairs Pre and Post sent in one batch (a drained spool) with the right start time', async () => {
    const h = await hub();
    await postHook(h, { events: [{ receivedAt: 10, event: pre }, { receivedAt: 35, event: post }] });
    expect((await trace(h)).get(claudeIds.tool(SID, toolUse))).toMatchObject({ startTime: 10, endTime: 35 });
  });

  it('never fails a Claude Code hook call, reports bad events in a batch, and rejects a malformed batch', async () => {
    const h = await hub();
    const single = await postHook(h, { hook_event_name: 'PreToolUse' });
    expect(single.statusCode).toBe(200);
    expect(single.json()).toEqual({});
    const batch = await postHook(h, { events: [{ receivedAt: 1, event: { session_id: 'x' } }, { receivedAt: 2, event: pre }] });
    expect(batch.json()).toMatchObject({ invalid: [{ index: 0, message: 'hook_event_name: must be a non-empty string' }], accepted: 2 });
    const bad = await postHook(h, { events: [{ event: pre }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_BODY', message: 'events[0].receivedAt: must be epoch milliseconds' });
  });

  it('after a hub restart, recovers the open turn so tools still nest in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-hooks-'));
    dirs.push(dir);
    const first = await hub(dir);
    await postHook(first, { events: [{ receivedAt: 1_000, event: { ...common, hook_event_name: 'UserPromptSubmit', prompt: 'deploy' } }] });
    await first.close();
    const second = await hub(dir);
    await postHook(second, { events: [{ receivedAt: 2_000, event: pre }] });
    const spans = await trace(second);
    const tool = spans.get(claudeIds.tool(SID, toolUse))!;
    expect(spans.get(tool.parentSpanId!)!.name).toBe('turn: deploy');
  });
});
