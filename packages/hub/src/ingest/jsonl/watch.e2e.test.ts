import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import { freePort } from '../../net/free-port.js';
import { claudeIds, hashId } from '../claude/ids.js';
import { childEnv, CLI_PATH, spawnHub as spawnTestHub, type HubProcess } from '../../testing/hub-process.js';

// End to end: real hub processes, real files, the real CLI (needs `npm run build`).

const SID = '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';
const env = { sessionId: SID, cwd: '/home/dev/shop', version: '2.1.29', gitBranch: 'main', userType: 'external' };
const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, s)).toISOString();
const usage = { input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 150 };
const assistant = (uuid: string, s: number, id: string, block: object, stop: string, extra: object = {}) => ({
  ...env, isSidechain: false, ...extra, type: 'assistant', uuid, parentUuid: null, timestamp: at(s), requestId: `req_${id}`,
  message: { model: 'claude-sonnet-4-5-20250929', id, type: 'message', role: 'assistant', content: [block], stop_reason: stop, usage },
});
const toolResult = (uuid: string, s: number, id: string, content: string, toolUseResult: object, extra: object = {}) => ({
  ...env, isSidechain: false, ...extra, type: 'user', uuid, parentUuid: null, timestamp: at(s),
  message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] }, toolUseResult,
});
const transcript = [
  { ...env, type: 'user', uuid: 'u1', parentUuid: null, isSidechain: false, timestamp: at(0), message: { role: 'user', content: 'find the config loader' } },
  assistant('a1', 2, 'msg_e2e_1', { type: 'tool_use', id: 'toolu_e2e_task', name: 'Task', input: { description: 'find', prompt: 'Find the config loader', subagent_type: 'Explore' } }, 'tool_use'),
  toolResult('u2', 9, 'toolu_e2e_task', 'src/config.ts', { status: 'completed', agentId: 'a4c7249', totalTokens: 900 }),
  assistant('a2', 11, 'msg_e2e_2', { type: 'text', text: 'It is src/config.ts.' }, 'end_turn'),
];
const sub = { isSidechain: true, agentId: 'a4c7249' };
const subagent = [
  { ...env, ...sub, type: 'user', uuid: 'x1', parentUuid: null, timestamp: at(3), message: { role: 'user', content: 'Find the config loader' } },
  assistant('x2', 5, 'msg_e2e_s1', { type: 'tool_use', id: 'toolu_e2e_grep', name: 'Grep', input: { pattern: 'loadConfig' } }, 'tool_use', sub),
  toolResult('x3', 6, 'toolu_e2e_grep', 'src/config.ts', { numFiles: 1 }, sub),
  assistant('x4', 8, 'msg_e2e_s2', { type: 'text', text: 'src/config.ts' }, 'end_turn', sub),
];
const TRACE = 'f'.repeat(31) + '1';
const spanLine = (n: number) => JSON.stringify({ traceId: TRACE, spanId: n.toString(16).padStart(16, '0'), service: 'batch-job', name: `step ${n}`, kind: 'function', startTime: 1_767_600_000_000 + n, endTime: 1_767_600_000_050 + n, status: 'ok' });
const anton = [
  { timestamp: '2026-01-05T10:00:00', agent_name: 'orchestrator', trace_id: 'task-42', span_id: 'orch-1', parent_id: 'task-42', span_type: 'orchestrator', duration_ms: 9000 },
  { timestamp: '2026-01-05T10:00:01', agent_name: 'module_database', provider: 'claude', model: 'claude-sonnet-4-5', trace_id: 'task-42', span_id: 'llm-1', parent_id: 'orch-1', span_type: 'llm_call', duration_ms: 2500, tokens: { input: 1500, output: 800, total: 2300 }, cost_usd: 0.0165, messages: [{ role: 'user', content: 'plan' }], response: 'do X' },
  { timestamp: '2026-01-05T10:00:02', tool_name: 'read_file', trace_id: 'task-42', span_id: 'tool-1', parent_id: 'llm-1', span_type: 'tool_call', agent_name: 'module_database', duration_ms: 150, success: true, parameters: { file_path: 'db.py' }, result: 'contents' },
];
const jsonl = (values: object[]) => values.map((v) => `${JSON.stringify(v)}\n`).join('');

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rh-watch-e2e-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeFixtures(dir: string): void {
  mkdirSync(join(dir, 'claude', '-home-dev-shop', SID, 'subagents'), { recursive: true });
  mkdirSync(join(dir, 'anton'), { recursive: true });
  writeFileSync(join(dir, 'claude', '-home-dev-shop', `${SID}.jsonl`), jsonl(transcript));
  writeFileSync(join(dir, 'claude', '-home-dev-shop', SID, 'subagents', 'agent-a4c7249.jsonl'), jsonl(subagent));
  writeFileSync(join(dir, 'anton', 'orchestrator_20260105_100000.jsonl'), jsonl(anton));
  writeFileSync(join(dir, 'spans.jsonl'), `${spanLine(1)}\nthis is not json\n${spanLine(2)}\n`);
}

/** A hub process whose log (pino writes it to stdout) the test can read. */
async function spawnHub(args: string[]): Promise<HubProcess & { log(): string }> {
  const proc = spawn(process.execPath, [CLI_PATH, 'start', '--port', '0', '--log-level', 'warn', ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const url = await until(async () => /runtime-hub listening on (\S+)/.exec(out)?.[1], 'the hub to listen');
  return { proc, url, exited, stderr: () => err, log: () => out };
}

async function trace(url: string, traceId: string): Promise<Map<string, Span>> {
  const res = await fetch(`${url}/api/v1/traces/${traceId}`);
  if (res.status !== 200) return new Map();
  return new Map(((await res.json()) as { spans: Span[] }).spans.map((s) => [s.spanId, s]));
}

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const spanCount = async (url: string) => ((await (await fetch(`${url}/api/health`)).json()) as { spans: number }).spans;

async function stop(hub: HubProcess): Promise<void> {
  hub.proc.kill('SIGTERM');
  await hub.exited;
}

function checkClaudeTree(spans: Map<string, Span>): void {
  const session = spans.get(claudeIds.session(SID))!;
  expect(session).toMatchObject({ parentSpanId: null, kind: 'agent', name: 'claude-code: shop', service: 'claude-code' });
  const llm = spans.get(claudeIds.llm(SID, 'msg_e2e_1'))!;
  const turn = spans.get(llm.parentSpanId!)!;
  expect(turn).toMatchObject({ parentSpanId: session.spanId, name: 'turn: find the config loader', status: 'ok' });
  expect(llm.usage).toMatchObject({ model: 'claude-sonnet-4-5-20250929', inputTokens: 3210, outputTokens: 150 });
  const task = spans.get(claudeIds.tool(SID, 'toolu_e2e_task'))!;
  expect(task).toMatchObject({ parentSpanId: turn.spanId, kind: 'tool', name: 'Task', status: 'ok' });
  const agent = spans.get(claudeIds.agent(SID, 'a4c7249'))!;
  expect(agent).toMatchObject({ parentSpanId: task.spanId, kind: 'agent', name: 'subagent: Explore', status: 'ok' });
  const subLlm = spans.get(claudeIds.llm(SID, 'msg_e2e_s1'))!;
  expect(subLlm.parentSpanId).toBe(agent.spanId);
  expect(spans.get(claudeIds.tool(SID, 'toolu_e2e_grep'))).toMatchObject({ parentSpanId: agent.spanId, output: 'src/config.ts', status: 'ok' });
}

// Hub and CLI processes start slowly on a loaded machine (a fresh-clone CI run hit 30 s).
describe('start --watch (in the hub process)', { timeout: 120_000 }, () => {
  it('ingests span records, agent traces and Claude Code transcripts, and resumes after a restart without duplicates', async () => {
    const dir = join(root, 'in-hub');
    const data = join(root, 'in-hub-data');
    writeFixtures(dir);
    let hub = await spawnHub(['--data', data, '--watch', dir]);
    try {
      const claude = await until(async () => {
        const s = await trace(hub.url, claudeIds.trace(SID));
        return s.size >= 9 && s;
      }, 'the Claude Code session');
      checkClaudeTree(claude);

      const antonTrace = hashId('agent-trace:id:task-42', 32);
      const agentSpans = await until(async () => {
        const s = await trace(hub.url, antonTrace);
        return s.size === 3 && s;
      }, 'the agent trace');
      const byName = new Map([...agentSpans.values()].map((s) => [s.name, s]));
      expect(byName.get('orchestrator')).toMatchObject({ kind: 'agent', parentSpanId: null, durationMs: 9000 });
      expect(byName.get('chat claude-sonnet-4-5')).toMatchObject({ kind: 'llm', service: 'module_database', durationMs: 2500, usage: { inputTokens: 1500, outputTokens: 800 }, output: 'do X' });
      expect(byName.get('read_file')).toMatchObject({ kind: 'tool', parentSpanId: byName.get('chat claude-sonnet-4-5')!.spanId, input: { file_path: 'db.py' } });

      const own = await until(async () => {
        const s = await trace(hub.url, TRACE);
        return s.size === 2 && s;
      }, 'the span records');
      expect([...own.values()].map((s) => s.name).sort()).toEqual(['step 1', 'step 2']);
      await until(async () => hub.log().includes('spans.jsonl:2: not valid JSON'), 'the malformed line report');

      const before = await spanCount(hub.url);
      await stop(hub);
      appendFileSync(join(dir, 'spans.jsonl'), `${spanLine(3)}\n`);
      hub = await spawnHub(['--data', data, '--watch', dir]);
      await until(async () => (await trace(hub.url, TRACE)).size === 3, 'the line appended while the hub was down');
      await new Promise((r) => setTimeout(r, 300));
      expect(await spanCount(hub.url)).toBe(before + 1);
      // Not reported again: the malformed line was behind the saved position.
      expect(hub.log()).not.toContain('not valid JSON');
    } finally {
      await stop(hub);
    }
  });
});

interface Cli {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function watchCli(args: string[]): Cli {
  const proc = spawn(process.execPath, [CLI_PATH, 'watch', ...args], { env: { ...process.env, RUNTIME_HUB_URL: '', RUNTIME_HUB_TOKEN: '' } });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { proc, stdout: () => out, stderr: () => err, exited: new Promise((resolve) => proc.on('exit', resolve)) };
}

// Hub and CLI processes start slowly on a loaded machine (a fresh-clone CI run hit 30 s).
describe('runtime-hub watch (CLI → running hub over HTTP)', { timeout: 120_000 }, () => {
  it('--once delivers what is there, reports malformed lines as file:line, and exits', async () => {
    const dir = join(root, 'cli-once');
    writeFixtures(dir);
    const hub = await spawnTestHub(['--data', join(root, 'cli-once-hub')]);
    try {
      const cli = watchCli([dir, '--once', '--url', hub.url, '--data', join(root, 'cli-once-data')]);
      expect(await cli.exited).toBe(0);
      expect(cli.stderr()).toBe(`${join(dir, 'spans.jsonl')}:2: not valid JSON (Unexpected token 'h', "this is not json" is not valid JSON)\n`);
      expect(cli.stdout()).toMatch(/^read 14 line\(s\) from 4 file\(s\): \d+ record\(s\), \d+ accepted, 0 rejected, 1 malformed\n$/);
      checkClaudeTree(await trace(hub.url, claudeIds.trace(SID)));
      // A second run has nothing new to send.
      const again = watchCli([dir, '--once', '--url', hub.url, '--data', join(root, 'cli-once-data')]);
      expect(await again.exited).toBe(0);
      expect(again.stdout()).toMatch(/^read 0 line\(s\)/);
    } finally {
      await stop(hub);
    }
  });

  it('waits for a hub that is down, then delivers everything; follows appends; stops on SIGINT', async () => {
    const dir = join(root, 'cli-follow');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spans.jsonl'), `${spanLine(1)}\n`);
    const port = await freePort();
    const cli = watchCli([dir, '--url', `http://127.0.0.1:${port}`, '--data', join(root, 'cli-follow-data')]);
    try {
      await until(async () => cli.stderr().includes('hub not reachable'), 'the retry notice');
      appendFileSync(join(dir, 'spans.jsonl'), `${spanLine(2)}\n`);
      const hub = await spawnTestHub(['--data', join(root, 'cli-follow-hub'), '--port', String(port)]);
      try {
        await until(async () => (await trace(hub.url, TRACE)).size === 2, 'delivery once the hub is up');
        appendFileSync(join(dir, 'spans.jsonl'), `${spanLine(3)}\n`);
        await until(async () => (await trace(hub.url, TRACE)).size === 3, 'the appended line');
        cli.proc.kill('SIGINT');
        expect(await cli.exited).toBe(0);
        expect(cli.stdout()).toContain('read 3 line(s) from 1 file(s): 3 record(s), 3 accepted, 0 rejected, 0 malformed');
      } finally {
        await stop(hub);
      }
    } finally {
      cli.proc.kill('SIGKILL');
    }
  });
});

/**
 * Thousands of appends in bursts: each burst is cut into chunks of random sizes written back to
 * back (file-system events close together are coalesced or dropped), some bursts end in the
 * middle of a line, and then the writer pauses. Every complete line must reach the hub without a
 * further write. The bound is generous (a stalled tail never catches up at all).
 */
async function appendInBursts(file: string, url: string, bursts = 40): Promise<void> {
  const random = seeded(17);
  let pending = '';
  let complete = 0;
  let n = 1000;
  for (let burst = 0; burst < bursts; burst++) {
    const count = 1 + Math.floor(random() * 120);
    let text = pending;
    for (let i = 0; i < count; i++) text += `${padded(n++, Math.floor(random() * 1500))}\n`;
    // Some bursts stop inside their last line; the rest of it opens the next burst.
    const cut = burst < bursts - 1 && random() < 0.3 ? text.length - 1 - Math.floor(random() * 60) : text.length;
    pending = text.slice(cut);
    text = text.slice(0, cut);
    for (let at = 0; at < text.length; ) {
      const size = 1 + Math.floor(random() * 4096);
      appendFileSync(file, text.slice(at, at + size));
      at += size;
    }
    complete += (text.match(/\n/g) ?? []).length;
    const expected = complete;
    await until(async () => (await spanCount(url)) === expected, `burst ${burst}: ${expected} lines without a further write`, 10_000);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 120)));
  }
  expect(complete).toBeGreaterThan(1000);
}

const padded = (n: number, pad: number) =>
  JSON.stringify({ traceId: TRACE, spanId: n.toString(16).padStart(16, '0'), service: 'burst', name: `line ${n}`, kind: 'function', startTime: 1_767_600_000_000 + n, endTime: 1_767_600_000_001 + n, status: 'ok', attributes: { pad: 'x'.repeat(pad) } });

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('tailing never waits for the next write', () => {
  it('start --watch: every line of thousands of bursty appends arrives', async () => {
    const dir = join(root, 'burst-in-hub');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'burst.jsonl'), '');
    const hub = await spawnHub(['--data', join(root, 'burst-in-hub-data'), '--watch', dir]);
    try {
      await appendInBursts(join(dir, 'burst.jsonl'), hub.url);
    } finally {
      await stop(hub);
    }
  });

  it('runtime-hub watch: every line of thousands of bursty appends arrives', async () => {
    const dir = join(root, 'burst-cli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'burst.jsonl'), '');
    const hub = await spawnTestHub(['--data', join(root, 'burst-cli-hub')]);
    const cli = watchCli([dir, '--url', hub.url, '--data', join(root, 'burst-cli-data')]);
    try {
      await until(async () => cli.stdout().includes('following'), 'the watcher to start');
      await appendInBursts(join(dir, 'burst.jsonl'), hub.url);
    } finally {
      cli.proc.kill('SIGKILL');
      await stop(hub);
    }
  });
});
