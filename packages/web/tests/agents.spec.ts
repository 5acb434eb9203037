import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { fixtureHooks, guard, HOSTILE, hostileSession, OPENAI_SCRIPT, SESSIONS, transcriptsDir } from './agents-data';
import { startHub, type RunningHub } from './support/hub';

const run = promisify(execFile);
test.describe.configure({ mode: 'serial' });

let hub: RunningHub;
const traceOf = new Map<string, string>();

async function agents(query = ''): Promise<{ traceId: string; sessionId: string | null; name: string; service: string }[]> {
  return ((await (await fetch(`${hub.url}/api/v1/agents?limit=100${query}`)).json()) as { runs: { traceId: string; sessionId: string | null; name: string; service: string }[] }).runs;
}

async function postHooks(events: { receivedAt: number; event: Record<string, unknown> }[]): Promise<void> {
  const res = await fetch(`${hub.url}/api/v1/hooks/claude`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  expect(res.status).toBe(200);
}

test.beforeAll(async () => {
  // Transcripts as Claude Code writes them, watched as `start --watch ~/.claude/projects` does;
  // the parallel session's hooks too (one tree from both sources), and a hostile hook session.
  hub = await startHub({ args: ['--watch', transcriptsDir()] });
  await postHooks(fixtureHooks('v2.1.72-parallel-tasks').map(({ at, event }) => ({ receivedAt: Date.parse(at), event })));
  await postHooks(hostileSession(Date.now() - 60_000));
  await expect
    .poll(async () => (await agents()).filter((r) => r.sessionId && Object.values(SESSIONS).includes(r.sessionId as never)).length, { timeout: 20_000 })
    .toBe(4);
  for (const r of await agents()) if (r.sessionId) traceOf.set(r.sessionId, r.traceId);
});
test.afterAll(async () => hub?.stop());

test('the Agents list shows every session with models, turns, tools, tokens, cost, errors and running state', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents`);
  const rows = page.getByTestId('agent-row');
  await expect(rows).toHaveCount(4);
  const parallel = page.locator(`[data-testid="agent-row"][data-trace-id="${traceOf.get(SESSIONS.parallel)}"]`);
  await expect(parallel.getByTestId('agent-models')).toContainText('claude-opus-4-6');
  await expect(parallel).toContainText('subagents');
  const hostile = page.locator(`[data-testid="agent-row"][data-trace-id="${traceOf.get(SESSIONS.hostile)}"]`);
  await expect(hostile.locator('td').nth(4)).toHaveText('4'); // Read, Edit, Write, Bash (after the compare pick and the name)
  await expect(hostile.locator('td').nth(8)).toHaveText('1'); // the failed Bash call
  // Filters and search go to the hub.
  await page.goto(`${hub.url}/agents?q=spotter`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('agent-name')).toContainText('spotter');
  check();
});

test('the list updates live when a new session starts', async ({ page }) => {
  await page.goto(`${hub.url}/agents`);
  await expect(page.getByTestId('agent-row')).toHaveCount(4);
  const sessionId = 'a1b2c3d4-0000-4000-8000-00000000live';
  await postHooks([{ receivedAt: Date.now(), event: { session_id: sessionId, cwd: '/home/dev/live-demo', hook_event_name: 'SessionStart', source: 'startup', model: 'claude-opus-4-6' } }]);
  await expect(page.getByTestId('agent-row')).toHaveCount(5);
  await expect(page.getByTestId('agent-row').first()).toContainText('live-demo');
  await expect(page.getByTestId('agent-row').first().getByTestId('agent-running')).toBeVisible();
});

test('graph: node shapes by type, parallel Task calls side by side, hover path, click for detail, drag a node', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.parallel)}`);
  const graph = page.getByTestId('run-graph');
  await expect(graph).toHaveAttribute('data-renderer', 'svg');
  await expect(page.locator('[data-testid="graph-node"][data-type="orchestrator"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="graph-node"][data-type="llm"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="graph-node"][data-type="tool"]').first()).toBeVisible();
  expect(await page.locator('[data-testid="graph-node"][data-type="agent"]').count()).toBeGreaterThanOrEqual(3); // turn + 2 subagents
  // The two Task calls overlap in time: one parallel group, same depth, adjacent columns.
  await expect(page.getByTestId('parallel-group').first()).toBeVisible();
  const tasks = await page.locator('[data-testid="graph-node"]').evaluateAll((els) =>
    els
      .map((e) => ({ group: e.getAttribute('data-parallel'), depth: e.getAttribute('data-depth'), col: Number(e.getAttribute('data-col')), name: e.querySelector('title')!.textContent }))
      .filter((t) => t.name === 'tool: Task'),
  );
  expect(tasks).toHaveLength(2);
  expect(tasks[0]!.group).not.toBe('');
  expect(tasks[1]!.group).toBe(tasks[0]!.group);
  expect(tasks[1]!.depth).toBe(tasks[0]!.depth);
  expect(tasks[0]!.col).not.toBe(tasks[1]!.col);

  // Hover a subagent's tool: its path to the root lights up.
  const deep = page.locator('[data-testid="graph-node"][data-type="tool"]').last();
  await deep.hover();
  await expect(page.locator('[data-testid="graph-node"][data-type="orchestrator"]')).toHaveAttribute('data-on-path', 'true');
  expect(await page.locator('[data-testid="graph-node"][data-on-path="true"]').count()).toBeGreaterThanOrEqual(3);

  // Click opens the detail.
  await deep.click();
  await expect(page.getByTestId('span-detail')).toBeVisible();
  expect(page.url()).toContain('span=');

  // Drag a node: it moves, others stay.
  const llm = page.locator('[data-testid="graph-node"][data-type="llm"]').first();
  const before = await llm.getAttribute('transform');
  const root = page.locator('[data-testid="graph-node"][data-type="orchestrator"]');
  const other = await root.getAttribute('transform');
  const box = (await llm.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 140, { steps: 5 });
  await page.mouse.up();
  expect(await llm.getAttribute('transform')).not.toBe(before);
  expect(await root.getAttribute('transform')).toBe(other);

  // Wheel zooms the whole graph.
  const layer = page.locator('[data-testid="run-graph"] svg > g');
  const t0 = await layer.getAttribute('transform');
  await graph.hover({ position: { x: 300, y: 200 } });
  await page.mouse.wheel(0, -400);
  await expect.poll(() => layer.getAttribute('transform')).not.toBe(t0);
  check();
});

test('conversation: each model call as a chat with its tool calls, model, tokens and finish reason', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.parallel)}/conversation`);
  const calls = page.getByTestId('llm-call');
  await expect(calls.first()).toBeVisible();
  expect(await calls.count()).toBeGreaterThan(1);
  await expect(calls.first()).toContainText('claude-opus-4-6');
  await expect(page.locator('[data-testid="chat-message"][data-role="user"]').first()).toBeVisible();
  await expect(page.getByTestId('chat-tool-call').first()).toContainText('Task');
  // 1.0.98 transcripts carry stop reasons (2.1.x writes stop_reason null on streamed lines).
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.sidechain)}/conversation`);
  await expect(page.getByTestId('finish-reason').filter({ hasText: 'end_turn' }).first()).toHaveText('finish: end_turn');
  check();
});

test('tools: counts, failures and percentiles; each call with input and result; the failed call shows its error as text', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.hostile)}/tools`);
  const bash = page.locator('[data-testid="tool-row"][data-tool="Bash"]');
  await expect(bash.getByTestId('tool-failures')).toHaveText('1');
  await bash.click();
  await expect(page.getByTestId('tool-error')).toContainText('<script>alert("stderr")</script>');
  await expect(page.getByTestId('tool-call')).toContainText('npm test');
  check();
});

test('files: read, edited and written files from tool inputs; an Edit as a diff; hostile file names stay text', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.hostile)}/files`);
  const rows = page.getByTestId('file-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first().getByTestId('file-path')).toHaveText(HOSTILE.editPath);
  await expect(rows.first().locator('td').nth(1)).toHaveText('1');
  await expect(rows.first().locator('td').nth(2)).toHaveText('1');
  await rows.first().click();
  const diff = page.getByTestId('file-diff');
  await expect(diff.locator('[data-diff="removed"]')).toContainText(`const greeting = '<script>alert("old")</script>';`);
  await expect(diff.locator('[data-diff="added"]')).toHaveText("+ const greeting = 'hello';");
  await expect(diff.locator('[data-diff="same"]')).toHaveText('  export default greeting;');
  await rows.nth(1).click();
  await expect(page.locator('[data-testid="file-change"][data-action="write"]')).toContainText(HOSTILE.writeContent.split('\n')[1]!);
  expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
  check();
});

test('agents: subagents nested under the session with their own tools and tokens', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.parallel)}/agents`);
  const nodes = page.getByTestId('agent-node');
  await expect(nodes.first()).toHaveAttribute('data-depth', '0');
  await expect(page.locator('[data-testid="agent-node"][data-depth="1"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="agent-node"][data-depth="1"]').first()).toContainText('subagent: Explore');
  check();
});

test('timeline: every start, event and end in order, each with its full JSON', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.hostile)}/timeline`);
  const entries = page.getByTestId('timeline-entry');
  await expect(entries.first()).toHaveAttribute('data-what', 'start');
  await entries.nth(1).click();
  await expect(page.getByTestId('timeline-json')).toBeVisible();
  await expect(page.getByTestId('timeline-json')).toContainText('spanId');
  check();
});

test('analytics: tokens and cost over time, per model, tool usage, tokens per tool call', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.compaction)}/analytics`);
  await expect(page.getByTestId('usage-chart').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('per-model').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('tool-usage').first()).toBeVisible();
  await expect(page.getByTestId('tokens-per-tool')).not.toContainText('—');
  check();
});

test('hostile prompt and tool inputs stay inert in the graph, the detail and the conversation of a live session', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceOf.get(SESSIONS.hostile)}`);
  const count = Number(await page.getByTestId('run-graph').getAttribute('data-nodes'));
  const positions = await page.getByTestId('graph-node').evaluateAll((els) => els.map((e) => [e.getAttribute('data-span-id'), e.getAttribute('transform')]));
  // A new prompt arrives live: the graph grows, nothing already placed moves.
  await postHooks([{ receivedAt: Date.now(), event: { session_id: SESSIONS.hostile, cwd: '/home/dev/shop', hook_event_name: 'UserPromptSubmit', prompt: 'and <svg onload=alert("live")> now' } }]);
  await expect.poll(async () => Number(await page.getByTestId('run-graph').getAttribute('data-nodes'))).toBeGreaterThan(count);
  for (const [id, transform] of positions) expect(await page.locator(`[data-testid="graph-node"][data-span-id="${id}"]`).getAttribute('transform')).toBe(transform);
  await page.locator('[data-testid="graph-node"][data-type="agent"]').first().click();
  await expect(page.getByTestId('span-detail')).toContainText('<script>alert("prompt")</script>');
  expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0);
  check();
});

test('OTLP GenAI spans from the official OpenAI instrumentation show as a conversation with roles and finish reason', async ({ page }) => {
  test.setTimeout(300_000);
  const { ensureVenv } = (await import('../../hub/dist/ingest/otlp/python-venv.js')) as { ensureVenv(n: string, p: string[], c: string): Promise<string> };
  const python = await ensureVenv(
    'runtime-hub-otlp-genai-venv',
    ['opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http', 'opentelemetry-instrumentation-openai-v2==2.4b0', 'opentelemetry-util-genai==1.1b0', 'openai', 'httpx'],
    'import opentelemetry.instrumentation.openai_v2.instruments, openai, httpx',
  );
  const { stdout } = await run(python, [OPENAI_SCRIPT, hub.url, 'span_and_event', 'spans-first'], { timeout: 60_000 });
  const traceId = stdout.trim();
  await expect.poll(async () => (await agents('&service=openai-span_and_event')).map((r) => r.traceId)).toContain(traceId);
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${traceId}/conversation`);
  const call = page.getByTestId('llm-call').first();
  await expect(call).toContainText('gpt-4o-mini');
  for (const role of ['system', 'user', 'assistant', 'tool']) await expect(call.locator(`[data-testid="chat-message"][data-role="${role}"]`).first()).toBeVisible();
  await expect(call.getByTestId('chat-tool-call')).toContainText('get_weather');
  await expect(call.getByTestId('finish-reason')).toHaveText('finish: stop');
  await expect(call.locator('[data-role="assistant"]').last()).toContainText('It is 18 degrees in Paris.');
  check();
});

test('a long agent loop draws on a canvas, and folding the repeated loop brings it back to a few SVG nodes with a ×N badge', async ({ page }) => {
  const check = guard(page);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const traceId = hex(32);
  const root = { traceId, spanId: hex(16), service: 'loop-agent', name: 'invoke_agent looper', kind: 'agent', startTime: 1_700_000_000_000, endTime: 1_700_000_100_000, status: 'ok' };
  const spans: Record<string, unknown>[] = [root];
  for (let i = 0; i < 350; i++) {
    const t = root.startTime + 1 + i * 10;
    spans.push({ traceId, spanId: hex(16), parentSpanId: root.spanId, service: 'loop-agent', name: 'chat gpt-4o-mini', kind: 'llm', startTime: t, endTime: t + 4, status: 'ok' });
    spans.push({ traceId, spanId: hex(16), parentSpanId: root.spanId, service: 'loop-agent', name: 'search', kind: 'tool', startTime: t + 5, endTime: t + 9, status: 'ok' });
  }
  const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans }) });
  expect(res.status).toBe(200);
  await page.goto(`${hub.url}/agents/${traceId}`);
  const graph = page.getByTestId('run-graph');
  await expect(graph).toHaveAttribute('data-nodes', '701');
  await expect(graph).toHaveAttribute('data-renderer', 'canvas');
  await page.getByTestId('fold-loops').click();
  await expect(graph).toHaveAttribute('data-nodes', '3');
  await expect(graph).toHaveAttribute('data-renderer', 'svg');
  await expect(page.getByTestId('fold-badge')).toHaveText('×350');
  await page.getByTestId('fold-loops').click();
  await expect(graph).toHaveAttribute('data-nodes', '701');
  check();
});

test('a model call still streaming shows as running in the conversation, and its answer arrives live', async ({ page }) => {
  const check = guard(page);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const traceId = hex(32);
  const now = Date.now();
  const root = { traceId, spanId: hex(16), service: 'stream-agent', name: 'invoke_agent writer', kind: 'agent', startTime: now - 2000, status: 'unset' };
  const llm = {
    traceId, spanId: hex(16), parentSpanId: root.spanId, service: 'stream-agent', name: 'chat gpt-4o-mini', kind: 'llm', startTime: now - 1000, status: 'unset',
    input: [{ role: 'user', parts: [{ type: 'text', content: 'Write <b>one</b> line' }] }],
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.stream': true },
  };
  const send = (spans: unknown[]) => fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans }) });
  expect((await send([root, llm])).status).toBe(200);
  await page.goto(`${hub.url}/agents/${traceId}/conversation`);
  const call = page.getByTestId('llm-call');
  await expect(call.getByTestId('llm-running')).toHaveText('streaming…');
  await expect(call.getByTestId('chat-text')).toHaveText('Write <b>one</b> line');
  const output = [{ role: 'assistant', parts: [{ type: 'text', content: 'A line.' }], finish_reason: 'stop' }];
  expect((await send([{ ...llm, endTime: Date.now(), status: 'ok', output }])).status).toBe(200);
  await expect(call.getByTestId('llm-running')).toHaveCount(0);
  await expect(call.locator('[data-role="assistant"]')).toContainText('A line.');
  await expect(call.getByTestId('finish-reason')).toHaveText('finish: stop');
  check();
});
