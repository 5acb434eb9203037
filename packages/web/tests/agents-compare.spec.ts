import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { guard } from './agents-data';
import { startHub, type RunningHub } from './support/hub';

/**
 * Comparison, annotations and playback on runs written by the official OpenTelemetry OpenAI
 * instrumentation (a tool call, then a streamed answer) against a local OpenAI-compatible server,
 * exported by the official OTLP exporters to a real hub. Run B asks for one more tool and answers
 * with two more words. The script: tests/fixtures/openai-stream/ (README says what is real).
 */
const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/openai-stream/openai_agent_run.py', import.meta.url));
test.describe.configure({ mode: 'serial' });

let hub: RunningHub;
let a: string;
let b: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  hub = await startHub();
  const { ensureVenv } = (await import('../../hub/dist/ingest/otlp/python-venv.js')) as { ensureVenv(n: string, p: string[], c: string): Promise<string> };
  const python = await ensureVenv(
    'runtime-hub-otlp-genai-venv',
    ['opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http', 'opentelemetry-instrumentation-openai-v2==2.4b0', 'opentelemetry-util-genai==1.1b0', 'openai', 'httpx'],
    'import opentelemetry.instrumentation.openai_v2.instruments, openai, httpx',
  );
  a = (await run(python, [SCRIPT, hub.url, 'a', 'weather-a'], { timeout: 90_000 })).stdout.trim();
  b = (await run(python, [SCRIPT, hub.url, 'b', 'weather-b'], { timeout: 90_000 })).stdout.trim();
  // Both runs whole: root, two LLM calls and their tools.
  for (const [traceId, spans] of [[a, 4], [b, 5]] as const) {
    await expect
      .poll(async () => ((await (await fetch(`${hub.url}/api/v1/traces/${traceId}`)).json()) as { spans?: unknown[] }).spans?.length ?? 0, { timeout: 20_000 })
      .toBe(spans);
  }
});
test.afterAll(async () => hub?.stop());

test('the streamed answer of the official instrumentation shows in the conversation, finished, with its tool call before it', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${a}/conversation`);
  const calls = page.getByTestId('llm-call');
  await expect(calls).toHaveCount(2);
  await expect(calls.first().getByTestId('chat-tool-call')).toContainText('get_weather');
  await expect(calls.first().getByTestId('finish-reason')).toHaveText('finish: tool_calls');
  const streamed = calls.nth(1);
  await expect(streamed.locator('[data-role="assistant"]').last()).toContainText('It is 18 degrees in Paris.');
  await expect(streamed.getByTestId('finish-reason')).toHaveText('finish: stop');
  await expect(streamed).toContainText('200 in · 9 out'); // the usage of the stream's last chunk
  await expect(streamed).not.toHaveAttribute('data-running', /.*/);
  await expect(streamed.getByTestId('llm-running')).toHaveCount(0);
  check();
});

test('two runs picked in the Agents list open side by side: totals, tool sequences, steps aligned, the first divergence', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents`);
  await page.locator(`[data-testid="agent-row"][data-trace-id="${a}"]`).getByTestId('compare-pick').check();
  await expect(page.getByTestId('compare-bar')).toContainText('Pick a second run');
  await page.locator(`[data-testid="agent-row"][data-trace-id="${b}"]`).getByTestId('compare-pick').check();
  await page.getByTestId('compare-selected').click();
  await expect(page).toHaveURL(new RegExp(`/compare/${a}/${b}$`));

  const totals = page.getByTestId('compare-totals');
  const row = (label: string) => totals.locator(`[data-testid="total-row"][data-label="${label}"]`);
  await expect(row('Tool calls').getByTestId('total-a')).toHaveText('1');
  await expect(row('Tool calls').getByTestId('total-b')).toHaveText('2');
  await expect(row('Tool calls').getByTestId('total-delta')).toHaveText('+1');
  await expect(row('Tokens in').getByTestId('total-a')).toHaveText('320');
  await expect(row('Tokens out').getByTestId('total-b')).toHaveText('49');
  await expect(page.getByTestId('tools-A').getByTestId('tool-chip')).toHaveText(['execute_tool get_weather']);
  await expect(page.getByTestId('tools-B').getByTestId('tool-chip')).toHaveText(['execute_tool get_weather', 'execute_tool get_forecast']);

  // Steps: chat, get_weather in both; get_forecast only in B (the first divergence); the streamed chat in both, answers differ.
  const rows = page.getByTestId('compare-row');
  await expect(rows).toHaveCount(4);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['changed', 'same', 'only-right', 'changed']);
  // The first chat differs already: B's model was offered two tools and asked for both.
  const summary = page.getByTestId('divergence-summary');
  await expect(summary).toHaveAttribute('data-step', '0');
  await expect(summary).toContainText('First divergence at step 1');
  await page.getByTestId('jump-to-divergence').click();
  const first = page.locator('[data-testid="compare-row"][data-first-divergence]');
  await expect(first).toBeInViewport();
  await expect(first).toHaveAttribute('aria-expanded', 'true');

  // The streamed answers, word by word.
  await rows.nth(3).click();
  const answer = page.getByTestId('answer-diff').last();
  await expect(answer.getByTestId('diff-added')).toContainText('and sunny');
  await expect(answer).toContainText('It is 18 degrees');
  await expect(page.getByTestId('prompt-diff').last().getByTestId('diff-added').first()).toContainText('get_forecast');
  check();
});

test('a note on a step shows in the comparison, the run tabs and graph, the trace waterfall and the annotations page, which searches it; markup stays text', async ({ page }) => {
  const check = guard(page);
  const hostile = '<img src=x onerror=alert(1)> forecast tool was not needed';
  await page.goto(`${hub.url}/compare/${a}/${b}`);
  const extra = page.locator('[data-testid="compare-row"][data-status="only-right"]');
  await extra.getByTestId('step-name').click();
  const notes = page.getByTestId('span-detail').getByTestId('span-annotations');
  await notes.getByTestId('bookmark-toggle').click();
  await expect(notes.getByTestId('bookmark-toggle')).toHaveAttribute('aria-pressed', 'true');
  await notes.getByLabel('Note text').fill(hostile);
  await notes.getByLabel('Note label').fill('wrong-tool');
  await notes.getByLabel('Note score').fill('0.2');
  await notes.getByRole('button', { name: 'Add note' }).click();
  // Every view of the span marks it, without a reload here.
  await expect(extra.getByTestId('mark-bookmark')).toBeVisible();
  await expect(extra.getByTestId('mark-note')).toHaveText('wrong-tool · 0.2');

  await page.goto(`${hub.url}/agents/${b}`);
  await expect(page.locator('[data-testid="node-marks"][data-bookmarked]')).toHaveCount(1);
  await page.goto(`${hub.url}/traces/${b}`);
  await expect(page.getByTestId('waterfall-row').getByTestId('mark-note')).toHaveText('wrong-tool · 0.2');
  await page.goto(`${hub.url}/agents/${b}/tools`);
  await page.getByText('execute_tool get_forecast', { exact: true }).first().click();
  await expect(page.getByTestId('tool-call').getByTestId('mark-note')).toHaveText('wrong-tool · 0.2');
  await page.goto(`${hub.url}/agents/${b}/timeline`);
  await expect(page.getByTestId('timeline-entry').getByTestId('mark-note')).toHaveCount(1);

  await page.goto(`${hub.url}/annotations`);
  await expect(page.getByTestId('annotation-row')).toHaveCount(2);
  await page.getByTestId('annotations-search').fill('needed');
  await page.getByTestId('annotations-search').press('Enter');
  await expect(page.getByTestId('annotation-row')).toHaveCount(1);
  await expect(page.getByTestId('annotation-text')).toHaveText(hostile);
  await expect(page.getByTestId('annotation-score')).toHaveText('score 0.2');
  await page.getByTestId('annotations-search').fill('');
  await page.getByTestId('annotations-search').press('Enter');
  await page.getByTestId('annotation-label').click();
  await expect(page).toHaveURL(/label=wrong-tool/);
  await expect(page.getByTestId('annotation-row')).toHaveCount(1);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await page.getByTestId('annotation-open-run').click();
  await expect(page).toHaveURL(new RegExp(`/agents/${b}\\?span=`));
  await expect(page.getByTestId('span-detail').getByTestId('note-label')).toHaveText('wrong-tool');
  check();
});

test('playback replays a finished run in time order: step by event, jump back, play at 100× to the end; graph and timeline grow', async ({ page }) => {
  const check = guard(page);
  await page.goto(`${hub.url}/agents/${b}`);
  const graph = page.getByTestId('run-graph');
  await expect(graph).toHaveAttribute('data-nodes', '5');
  await page.getByTestId('playback-toggle').click();
  const clock = page.getByTestId('playback-clock');
  // At the start: the root has started, nothing else.
  await expect(clock).toHaveAttribute('data-events', '1');
  await expect(graph).toHaveAttribute('data-nodes', '1');
  await page.getByTestId('playback-next').click();
  await expect(clock).toHaveAttribute('data-events', '2');
  await expect(graph).toHaveAttribute('data-nodes', '2');
  // The first LLM call has started and not ended: drawn as running.
  await expect(page.locator('[data-testid="graph-node"][data-type="llm"]')).toHaveClass(/animate-pulse/);
  await page.getByTestId('playback-next').click();
  await page.getByTestId('playback-next').click();
  await expect(graph).toHaveAttribute('data-nodes', '3');
  await page.getByTestId('playback-prev').click();
  await page.getByTestId('playback-prev').click();
  await expect(clock).toHaveAttribute('data-events', '2');
  await expect(graph).toHaveAttribute('data-nodes', '2');

  await page.getByTestId('playback-speed-100').click();
  await expect(page.getByTestId('playback-speed-100')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('playback-play').click();
  await expect(clock).toHaveAttribute('data-events', '10', { timeout: 20_000 }); // 5 starts, 5 ends
  await expect(graph).toHaveAttribute('data-nodes', '5');
  await expect(page.getByTestId('playback-play')).toHaveText(/Play/);

  // The timeline grows with the playback; any event can be jumped to.
  await page.getByTestId('tab-timeline').click();
  await expect(page.getByTestId('playback-bar')).toBeVisible();
  await expect(page.getByTestId('timeline-entry')).toHaveCount(10);
  await page.getByTestId('jump-to-event').nth(2).click();
  await expect(clock).toHaveAttribute('data-events', '3');
  await expect(page.getByTestId('timeline-entry')).toHaveCount(3);
  await page.getByTestId('timeline-upcoming').check();
  await expect(page.getByTestId('timeline-entry')).toHaveCount(10);
  await expect(page.locator('[data-testid="timeline-entry"][data-future]')).toHaveCount(7);
  await page.getByTestId('jump-to-event').nth(8).click();
  await expect(clock).toHaveAttribute('data-events', '9');
  await page.getByTestId('playback-toggle').click();
  await expect(page.getByTestId('playback-bar')).toHaveCount(0);
  await expect(page.getByTestId('timeline-entry')).toHaveCount(10);
  check();
});

test('"Compare with…" on a run opens the list with that run picked', async ({ page }) => {
  await page.goto(`${hub.url}/agents/${a}`);
  await page.getByTestId('compare-with').click();
  await expect(page).toHaveURL(new RegExp(`/agents\\?compare=${a}$`));
  await expect(page.locator(`[data-testid="agent-row"][data-trace-id="${a}"]`).getByTestId('compare-pick')).toBeChecked();
});

test('hostile prompts and answers stay text in the comparison and its word diffs', async ({ page }) => {
  const check = guard(page);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const runOf = (answer: string) => {
    const traceId = hex(32);
    const root = { traceId, spanId: hex(16), service: 'hostile-compare', name: 'invoke_agent <b>bold</b>', kind: 'agent', startTime: Date.now() - 5_000, endTime: Date.now() - 1_000, status: 'ok' };
    const llm = {
      traceId, spanId: hex(16), parentSpanId: root.spanId, service: 'hostile-compare', name: 'chat <img src=x onerror=alert(1)>', kind: 'llm',
      startTime: root.startTime + 10, endTime: root.startTime + 500, status: 'ok',
      input: [{ role: 'user', content: 'Say <img src=x onerror=alert(2)> please' }],
      output: [{ role: 'assistant', content: answer }],
    };
    return { traceId, spans: [root, llm] };
  };
  const x = runOf('Fine: <script>alert(3)</script>');
  const y = runOf('Fine: <svg onload=alert(4)></svg> done');
  const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans: [...x.spans, ...y.spans] }) });
  expect(res.status).toBe(200);
  await page.goto(`${hub.url}/compare/${x.traceId}/${y.traceId}`);
  const row = page.getByTestId('compare-row').first();
  await expect(row).toHaveAttribute('data-status', 'changed');
  await expect(row).toHaveAttribute('aria-expanded', 'true'); // the first divergence opens itself
  await expect(page.getByTestId('prompt-diff')).toContainText('user: Say <img src=x onerror=alert(2)> please');
  const pieces = async (id: string) => (await page.getByTestId('answer-diff').getByTestId(id).allTextContents()).join('');
  // Words and punctuation both runs share stay unmarked; what differs is B's svg for A's script.
  expect(await pieces('diff-removed')).toMatch(/script.*3.*script/);
  expect(await pieces('diff-added')).toMatch(/svg onload.*4.*svg.*done/);
  await expect(page.getByTestId('run-A').getByTestId('run-name')).toHaveText('invoke_agent <b>bold</b>');
  expect(await page.locator('[data-testid="compare"] img, [data-testid="compare"] script, [data-testid="compare"] svg[onload], [data-testid="compare"] b').count()).toBe(0);
  check();
});
