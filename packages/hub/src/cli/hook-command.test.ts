import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeIds } from '../ingest/claude/ids.js';
import { CLI_PATH } from '../testing/hub-process.js';
import { startTestHub, type TestHub } from '../testing/test-hub.js';

// `runtime-hub hook` as Claude Code runs it: a new process per event, the event on stdin.
// Needs `npm run build` (it runs dist/cli/main.js).

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, RUNTIME_HUB_URL: '', RUNTIME_HUB_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
    proc.stdin.end(stdin ?? '');
  });
}

// Tests of delivery give the hub plenty of time: on a loaded machine a commit can take longer than
// the 500 ms a hook waits by default, and then the event is (correctly) spooled instead.
const DELIVER = ['--timeout-ms', '20000'];

const SID = '0b6a1f2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const common = { session_id: SID, transcript_path: `/home/dev/.claude/projects/-home-dev-app/${SID}.jsonl`, cwd: '/home/dev/app', permission_mode: 'default' };
const pre = { ...common, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: '/home/dev/app/a.ts' }, tool_use_id: 'toolu_01CliHookTest000000000001' };
const post = { ...pre, hook_event_name: 'PostToolUse', tool_response: { type: 'text', file: { filePath: '/home/dev/app/a.ts', content: 'x', numLines: 1, startLine: 1, totalLines: 1 } } };

let hub: TestHub;
let dir: string;
let hung: Server;
let hungUrl: string;
const sockets: Socket[] = [];
const downUrl = 'http://127.0.0.1:9'; // discard port: nothing listens, connections are refused at once

beforeAll(async () => {
  hub = await startTestHub();
  dir = mkdtempSync(join(tmpdir(), 'rh-hook-cli-'));
  // A "hub" that accepts connections and never answers.
  hung = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hung.close(resolve));
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

const spooled = (spool: string) => readdirSync(spool).filter((n) => n.endsWith('.json'));

describe('runtime-hub hook', () => {
  it('delivers the event to a running hub, prints nothing, exits 0', async () => {
    const spool = join(dir, 'spool-up');
    const run = await cli(['hook', '--url', hub.url, '--spool', spool, ...DELIVER], JSON.stringify({ ...common, hook_event_name: 'SessionStart', source: 'startup' }));
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const session = await hub.hub.ctx.store.getSpan(claudeIds.session(SID));
    expect(session).toMatchObject({ kind: 'agent', name: 'claude-code: app', sessionId: SID });
  });

  it('hub down: spools the event and exits 0 at once; a later call sends the spool', async () => {
    const spool = join(dir, 'spool-down');
    // A refused connection is not waited on: with a ten-minute timeout the hook would otherwise
    // outlive the test (no bound in ms here: start-up alone took 3.2 s on a loaded CI run).
    const down = await cli(['hook', '--url', downUrl, '--spool', spool, '--timeout-ms', '600000'], JSON.stringify(pre));
    expect(down).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(spooled(spool)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = await cli(['hook', '--url', hub.url, '--spool', spool, ...DELIVER], JSON.stringify(post));
    expect(later).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(spooled(spool)).toHaveLength(0);
    const tool = (await hub.hub.ctx.store.getSpan(claudeIds.tool(SID, pre.tool_use_id)))!;
    expect(tool).toMatchObject({ kind: 'tool', name: 'Read', status: 'ok', output: post.tool_response });
    // The spooled PreToolUse kept the time it fired, so the span starts then, not at delivery.
    expect(tool.durationMs).toBeGreaterThanOrEqual(30);
  });

  it('hub hung: gives up after the timeout, spools, exits 0', async () => {
    const spool = join(dir, 'spool-hung');
    // A hook that did not give up would outlive the test.
    const run = await cli(['hook', '--url', hungUrl, '--spool', spool, '--timeout-ms', '200'], JSON.stringify(pre));
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(spooled(spool)).toHaveLength(1);
    const flushed = await cli(['hook', 'flush', '--url', hub.url, '--spool', spool]);
    expect(flushed.code).toBe(0);
    expect(flushed.stdout).toMatch(/^sent 1 spooled event\(s\) from .*; 0 remain\n$/);
  });

  it('exits 0 on input that is not JSON, and sends nothing', async () => {
    const spool = join(dir, 'spool-bad');
    const run = await cli(['hook', '--url', downUrl, '--spool', spool], 'not json {');
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toContain('stdin is not JSON');
    expect(() => readdirSync(spool)).toThrow();
  });

  it('sends RUNTIME_HUB_TOKEN to a hub that requires a token; without it the event waits in the spool', async () => {
    const secured = await startTestHub({ token: 's3cret' });
    try {
      const spool = join(dir, 'spool-token');
      const event = JSON.stringify({ ...common, session_id: 'token-session', hook_event_name: 'Notification', message: 'x' });
      await cli(['hook', '--url', secured.url, '--spool', spool], event);
      expect(spooled(spool)).toHaveLength(1);
      await cli(['hook', '--url', secured.url, '--spool', spool, ...DELIVER], event, { RUNTIME_HUB_TOKEN: 's3cret' });
      expect(spooled(spool)).toHaveLength(0);
      expect((await secured.hub.ctx.store.getTrace(claudeIds.trace('token-session'))).length).toBeGreaterThan(0);
    } finally {
      await secured.close();
    }
  });

  it('uses RUNTIME_HUB_SPOOL and RUNTIME_HUB_URL from the environment', async () => {
    const spool = join(dir, 'spool-env');
    const run = await cli(['hook'], JSON.stringify({ ...common, hook_event_name: 'Notification', message: 'hi' }), { RUNTIME_HUB_SPOOL: spool, RUNTIME_HUB_URL: downUrl });
    expect(run.code).toBe(0);
    expect(spooled(spool)).toHaveLength(1);
  });
});

describe('runtime-hub hook install / uninstall', () => {
  const existing = {
    model: 'opus',
    permissions: { allow: ['Bash(npm test:*)'] },
    hooks: {
      PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '/usr/local/bin/guard.sh' }] }],
      Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
    },
  };

  it('merges into .claude/settings.json, is idempotent, and uninstall removes only ours', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, '.claude'), { recursive: true });
    const file = join(project, '.claude', 'settings.json');
    writeFileSync(file, JSON.stringify(existing, null, 2));

    const first = await cli(['hook', 'install', '--project', project]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`installed runtime-hub hooks for 11 events in ${file}`);
    const installed = JSON.parse(readFileSync(file, 'utf8'));
    expect(installed.model).toBe('opus');
    expect(installed.permissions).toEqual(existing.permissions);
    expect(installed.hooks.PreToolUse[0]).toEqual(existing.hooks.PreToolUse[0]);
    expect(installed.hooks.PreToolUse[1]).toMatchObject({ matcher: '*', hooks: [{ type: 'command', timeout: 10 }] });
    expect(installed.hooks.PreToolUse[1].hooks[0].command).toMatch(/runtime-hub\.js" hook$/);
    expect(installed.hooks.Stop).toHaveLength(2);
    expect(Object.keys(installed.hooks).sort()).toEqual(
      ['Notification', 'PostToolUse', 'PostToolUseFailure', 'PreCompact', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop', 'SubagentStart', 'SubagentStop', 'UserPromptSubmit'].sort(),
    );

    await cli(['hook', 'install', '--project', project]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(installed);

    const removed = await cli(['hook', 'uninstall', '--project', project]);
    expect(removed.stdout).toContain('removed 11 runtime-hub hook(s)');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(existing);
  });

  it('the installed command really is a working hook', async () => {
    const project = join(dir, 'project-run');
    await cli(['hook', 'install', '--project', project, '--url', hub.url]);
    const command: string = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8')).hooks.Notification[0].hooks[0].command;
    const spool = join(dir, 'spool-installed');
    const run = await new Promise<number | null>((resolve) => {
      const proc = spawn('sh', ['-c', command], { env: { ...process.env, RUNTIME_HUB_SPOOL: spool }, stdio: ['pipe', 'ignore', 'inherit'] });
      proc.on('exit', resolve);
      proc.stdin.end(JSON.stringify({ ...common, session_id: 'installed-session', hook_event_name: 'Notification', message: 'ping' }));
    });
    expect(run).toBe(0);
    const spans = await hub.hub.ctx.store.getTrace(claudeIds.trace('installed-session'));
    expect(spans.map((s) => s.kind).sort()).toEqual(['agent', 'hook']);
  });

  it('--http installs HTTP hooks to the hub route', async () => {
    const project = join(dir, 'project-http');
    await cli(['hook', 'install', '--project', project, '--http', '--url', 'http://127.0.0.1:8765/']);
    const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    expect(settings.hooks.SessionStart).toEqual([{ hooks: [{ type: 'http', url: 'http://127.0.0.1:8765/api/v1/hooks/claude', timeout: 5 }] }]);
    await cli(['hook', 'uninstall', '--project', project]);
    expect(JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'))).toEqual({});
  });

  it('refuses to touch a settings file that is not JSON', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "hooks": ');
    const run = await cli(['hook', 'install', '--settings', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe('{ "hooks": ');
  });
});
