import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAgentServer, type AgentServer } from '../testing/agent-server.js';
import { eventually, freePort, startHubProcess, stopHub, type RealHub } from '../testing/hub-process.js';

// `runtime-hub replay -- node app.mjs` end to end (docs/replay.md): a real hub process, the real
// CLI, a real Node agent (the official openai client, a tool writing files) against a local
// OpenAI-compatible server that counts its calls. Needs `npm run build`.

const HUB_BIN = fileURLToPath(new URL('../../../hub/bin/runtime-hub.js', import.meta.url));
const AGENT = fileURLToPath(new URL('../testing/fixtures/replay-agent.mjs', import.meta.url));
const LLM = 'chat gpt-4o-mini';

interface Span {
  traceId: string;
  spanId: string;
  name: string;
  kind: string;
  startTime: number;
  endTime: number | null;
  output?: unknown;
  attributes?: Record<string, unknown>;
}

let hub: RealHub;
let server: AgentServer;
let dir: string;

beforeAll(async () => {
  hub = await startHubProcess(await freePort());
  server = await startAgentServer();
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (hub) {
    await stopHub(hub);
    rmSync(hub.dataDir, { recursive: true, force: true });
  }
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rh-replay-ts-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

function run(command: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, command, {
    env: { ...process.env, RUNTIME_HUB_URL: hub.url, OPENAI_BASE_URL: server.url, AGENT_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function trace(traceId: string, count: number): Promise<Span[]> {
  let spans: Span[] = [];
  await eventually(async () => {
    const response = await fetch(`${hub.url}/api/v1/traces/${traceId}`);
    spans = response.ok ? ((await response.json()) as { spans: Span[] }).spans : [];
    expect(spans.length).toBeGreaterThanOrEqual(count);
    expect(spans.every((s) => s.endTime !== null)).toBe(true);
    return true;
  }, 30_000);
  return spans.sort((a, b) => a.startTime - b.startTime);
}

async function record(): Promise<{ traceId: string; spans: Span[] }> {
  const done = await run([AGENT]);
  expect(done.code, done.stderr).toBe(0);
  const traceId = /trace ([0-9a-f]{32})/.exec(done.stderr)![1]!;
  return { traceId, spans: await trace(traceId, 11) };
}

async function replay(traceId: string, spanId: string, flags: string[] = [], env: Record<string, string> = {}) {
  const done = await run([HUB_BIN, 'replay', traceId, '--from', spanId, ...flags, '--', process.execPath, AGENT], env);
  const branch = /new trace ([0-9a-f]{32})/.exec(done.stderr)?.[1];
  expect(branch, done.stderr).toBeDefined();
  return { ...done, branch: branch! };
}

const attr = (s: Span, key: string) => s.attributes?.[key];

describe('runtime-hub replay -- node agent.mjs', () => {
  it('replays from the third LLM call with an edited prompt: no call before it, every call after, earlier files left alone, the branch linked', async () => {
    const { traceId, spans } = await record();
    expect(server.bodies).toHaveLength(5);
    const third = spans.filter((s) => s.kind === 'llm')[2]!;
    const edited = structuredClone(server.bodies[2]!.messages);
    edited[1]!.content = 'the mountains';
    writeFileSync(join(dir, 'edited.json'), JSON.stringify({ messages: edited }));
    writeFileSync(join(dir, 'writes.log'), '');
    server.bodies.length = 0;

    const done = await replay(traceId, third.spanId, ['--input', join(dir, 'edited.json')]);

    expect(done.code, done.stderr).toBe(0);
    expect(server.bodies).toHaveLength(3);
    expect(server.bodies[0]!.messages).toEqual(edited);
    expect(server.bodies.map((b) => b.messages[1]!.content)).toEqual(['the mountains', 'the mountains', 'the mountains']);
    expect(readFileSync(join(dir, 'writes.log'), 'utf8').split('\n').filter(Boolean)).toEqual(['note3.txt', 'note4.txt']);
    expect(readFileSync(join(dir, 'note1.txt'), 'utf8')).toBe('step 1 of the sea');
    expect(readFileSync(join(dir, 'answer.txt'), 'utf8')).toBe('Wrote 4 notes about the mountains.');
    expect(done.stderr).toContain(`/compare/${traceId}/${done.branch}`);

    const branch = await trace(done.branch, 11);
    expect(branch[0]).toMatchObject({ name: 'main', attributes: { 'runtime_hub.replay.of': traceId, 'runtime_hub.replay.from_span': third.spanId } });
    expect(branch.filter((s) => attr(s, 'runtime_hub.replay.replayed')).map((s) => s.name)).toEqual([LLM, 'writeNote', LLM, 'writeNote']);
    expect(branch.filter((s) => attr(s, 'runtime_hub.replay.checkpoint')).map((s) => s.name)).toEqual([LLM]);
    const links = (await (await fetch(`${hub.url}/api/v1/replay/branches?traceId=${traceId}`)).json()) as { branches: { traceId: string }[] };
    expect(links.branches.map((b) => b.traceId)).toEqual([done.branch]);
  }, 120_000);

  it('a replay without an edit reproduces the recorded outputs up to the checkpoint', async () => {
    const { traceId, spans } = await record();
    const third = spans.filter((s) => s.kind === 'llm')[2]!;
    server.bodies.length = 0;

    const done = await replay(traceId, third.spanId);

    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toContain('divergence');
    expect(server.bodies).toHaveLength(3);
    const branch = await trace(done.branch, 11);
    const checkpoint = branch.find((s) => attr(s, 'runtime_hub.replay.checkpoint'))!;
    const before = (list: Span[], at: number) => list.filter((s) => s.endTime! <= at).map((s) => [s.name, s.output]);
    expect(before(branch, checkpoint.startTime)).toEqual(before(spans, third.startTime));
    expect(before(branch, checkpoint.startTime)).toHaveLength(4);
    expect(branch.filter((s) => s.kind === 'llm').map((s) => s.output)).toEqual(spans.filter((s) => s.kind === 'llm').map((s) => s.output));
  }, 120_000);

  it('a program changed to diverge is reported at the second LLM call; --strict stops there', async () => {
    const { traceId, spans } = await record();
    const llm = spans.filter((s) => s.kind === 'llm');
    server.bodies.length = 0;

    const done = await replay(traceId, llm[2]!.spanId, [], { AGENT_VARIANT: 'diverge' });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`first divergence at main#0/runAgent#0/${LLM}#1: input differs from the recording`);
    expect(done.stderr).toContain(`(recorded span ${llm[1]!.spanId})`);
    expect(server.bodies).toHaveLength(4);

    server.bodies.length = 0;
    const strict = await replay(traceId, llm[2]!.spanId, ['--strict'], { AGENT_VARIANT: 'diverge' });
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain('ReplayDivergence');
    expect(server.bodies).toHaveLength(0);
  }, 120_000);
});
