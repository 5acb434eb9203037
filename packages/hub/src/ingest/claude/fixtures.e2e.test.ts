import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Span, TraceSummary } from '@runtime-hub/protocol';
import { childEnv, CLI_PATH, runCli, spawnHub, type HubProcess } from '../../testing/hub-process.js';
import { copyTranscripts, FIXTURES, hookEvents, renderTree, siblingsByName, TRANSCRIPT_TREES, type FixtureName } from './fixtures/fixtures.js';
import { claudeIds } from './ids.js';

// End to end with the real-shaped fixtures (fixtures/README.md): real hub processes, the real CLI
// (needs `npm run build`), real files. Transcripts through both watch paths; hooks through the
// hook command and the hook route, before and after the transcripts. The tree is checked span
// by span (kind, name, parent, ended or running, status, input and output present).

const root = mkdtempSync(join(tmpdir(), 'rh-claude-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NAMES = Object.keys(FIXTURES) as FixtureName[];

async function spans(url: string, name: FixtureName): Promise<Span[]> {
  const res = await fetch(`${url}/api/v1/traces/${claudeIds.trace(FIXTURES[name].sessionId)}`);
  return res.status === 200 ? ((await res.json()) as { spans: Span[] }).spans : [];
}

/** Waits until the stored tree equals `expected`, then checks it (a readable diff if it never does). */
async function expectTree(url: string, name: FixtureName, expected: string[], order: 'by time' | 'by name' = 'by time'): Promise<Span[]> {
  const render = (list: Span[]) => (order === 'by time' ? renderTree(list) : siblingsByName(renderTree(list)));
  const want = order === 'by time' ? expected : siblingsByName(expected);
  const deadline = Date.now() + 30_000;
  let current: Span[] = [];
  while (Date.now() < deadline) {
    current = await spans(url, name);
    if (JSON.stringify(render(current)) === JSON.stringify(want)) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  expect(render(current)).toEqual(want);
  for (const span of current) if (span.endTime !== null) expect(span.endTime).toBeGreaterThanOrEqual(span.startTime);
  return current;
}

async function stop(hub: HubProcess): Promise<void> {
  hub.proc.kill('SIGTERM');
  await hub.exited;
}

function transcripts(dir: string, names: readonly FixtureName[] = NAMES): string {
  for (const name of names) copyTranscripts(name, dir);
  return dir;
}

async function watchOnce(dir: string, url: string, data: string): Promise<void> {
  const run = await runCli(['watch', dir, '--once', '--url', url, '--data', data]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/** Each hook event as Claude Code's HTTP hooks and the hook command deliver it, in firing order. */
async function postHooks(url: string, name: FixtureName): Promise<void> {
  for (const { at, event } of hookEvents(name)) {
    const res = await fetch(`${url}/api/v1/hooks/claude`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ receivedAt: Date.parse(at), event }] }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ invalid: [], rejected: [], duplicates: 0 });
  }
}

/** `runtime-hub hook`, one process per event, the event on stdin, as Claude Code runs it. */
async function runHookCommand(url: string, name: FixtureName, spool: string): Promise<void> {
  for (const { event } of hookEvents(name)) {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const proc = spawn(process.execPath, [CLI_PATH, 'hook', '--url', url, '--spool', spool], { env: childEnv() });
      let stderr = '';
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      proc.on('exit', (code) => resolve({ code, stderr }));
      proc.stdin.end(JSON.stringify(event));
    });
    expect(result).toEqual({ code: 0, stderr: '' });
  }
}

/** The parallel fixture with hooks too: the transcript's tree plus the Stop hook spans. */
const WITH_HOOKS = [
  'agent claude-code: hallucination-detector [ok] +in +out',
  '  agent turn: Audit the stop hook for false positives: check the trigger patterns and the scor [ok] +in +out',
  '    llm chat claude-opus-4-6 [ok] +in +out',
  '    tool Task [ok] +in +out',
  '      agent subagent: Explore [ok] +in +out',
  '        llm chat claude-haiku-4-5-20251001 [ok] +in +out',
  '        tool Grep [ok] +in +out',
  '        llm chat claude-haiku-4-5-20251001 [ok] +in +out',
  '    tool Task [ok] +in +out',
  '      agent subagent: Explore [ok] +in +out',
  '        llm chat claude-haiku-4-5-20251001 [ok] +in +out',
  '        tool Read [ok] +in +out',
  '        llm chat claude-haiku-4-5-20251001 [ok] +in +out',
  '    llm chat claude-opus-4-6 [ok] +in +out',
  '    hook Stop [ok] +in',
  '  agent turn: yes, fix them and run the tests [ok] +in +out',
  '    llm chat claude-opus-4-6 [ok] +in +out',
  '    tool Bash [ok] +in +out',
  '    llm chat claude-opus-4-6 [ok] +in +out',
  '    hook Stop [ok] +in',
  '    llm chat claude-opus-4-6 [ok] +in +out',
  '  hook Stop [ok] +in',
];

function checkSubagents(stored: Span[]): void {
  const sid = FIXTURES.parallel.sessionId;
  const byId = new Map(stored.map((s) => [s.spanId, s]));
  // Matched by the agent id in each Task result, though the second call's subagent started first.
  expect(byId.get(claudeIds.agent(sid, 'a7c19e2f4b3d5a60e'))!.parentSpanId).toBe(claudeIds.tool(sid, 'toolu_01TaskPatterns0000000001'));
  expect(byId.get(claudeIds.agent(sid, 'a3eaf63159a07953f'))!.parentSpanId).toBe(claudeIds.tool(sid, 'toolu_01TaskScoring00000000002'));
  expect(stored.filter((s) => s.parentSpanId === null).map((s) => s.name)).toEqual(['claude-code: hallucination-detector']);
}

describe('Claude Code fixtures end to end', () => {
  it('start --watch: every fixture becomes its expected tree', async () => {
    const dir = transcripts(join(root, 'in-hub'));
    const hub = await spawnHub(['--data', join(root, 'in-hub-data'), '--watch', dir]);
    try {
      for (const name of NAMES) await expectTree(hub.url, name, TRANSCRIPT_TREES[name]);
      // Listed under their session's name, ended (a duration), never as a subagent or compaction.
      const list = (await (await fetch(`${hub.url}/api/v1/traces?service=claude-code&limit=10`)).json()) as { traces: TraceSummary[] };
      expect(list.traces.map((t) => [t.name, t.durationMs !== null]).sort()).toEqual([
        ['claude-code: Cipher', true],
        ['claude-code: hallucination-detector', true],
        ['claude-code: spotter-dov', true],
      ]);
    } finally {
      await stop(hub);
    }
  });

  it('runtime-hub watch: every fixture becomes its expected tree', async () => {
    const dir = transcripts(join(root, 'cli'));
    const hub = await spawnHub(['--data', join(root, 'cli-hub')]);
    try {
      await watchOnce(dir, hub.url, join(root, 'cli-data'));
      for (const name of NAMES) await expectTree(hub.url, name, TRANSCRIPT_TREES[name]);
    } finally {
      await stop(hub);
    }
  });

  for (const order of ['hooks first', 'transcripts first'] as const) {
    it(`hook route and transcripts, ${order}: one tree`, async () => {
      const tag = `route-${order.replace(' ', '-')}`;
      const dir = transcripts(join(root, tag), ['parallel']);
      const hub = await spawnHub(['--data', join(root, `${tag}-hub`)]);
      try {
        if (order === 'hooks first') await postHooks(hub.url, 'parallel');
        await watchOnce(dir, hub.url, join(root, `${tag}-data`));
        if (order === 'transcripts first') await postHooks(hub.url, 'parallel');
        checkSubagents(await expectTree(hub.url, 'parallel', WITH_HOOKS));
      } finally {
        await stop(hub);
      }
    });

    it(`hook command and start --watch, ${order}: one tree`, async () => {
      const tag = `cmd-${order.replace(' ', '-')}`;
      const dir = join(root, tag);
      mkdirSync(dir, { recursive: true });
      const hub = await spawnHub(['--data', join(root, `${tag}-hub`), '--watch', dir]);
      try {
        if (order === 'hooks first') await runHookCommand(hub.url, 'parallel', join(root, `${tag}-spool`));
        transcripts(dir, ['parallel']);
        if (order === 'transcripts first') {
          await expectTree(hub.url, 'parallel', TRANSCRIPT_TREES.parallel);
          await runHookCommand(hub.url, 'parallel', join(root, `${tag}-spool`));
        }
        // The hook command stamps events with the time now, the transcript is from the past:
        // siblings are compared by name, not by start.
        checkSubagents(await expectTree(hub.url, 'parallel', WITH_HOOKS, 'by name'));
      } finally {
        await stop(hub);
      }
    }, 120_000); // 21 hook processes, each a Node start-up
  }
});
