import { startLlmTestServer, type LlmTestServer } from '@runtime-hub/engine/testing';
import { expect, test, uniqueService } from './support/fixtures';
import { call, traceId } from './support/spans';

/**
 * The prompt playground in a real browser against a real hub, with the local OpenAI-compatible
 * test server standing in for the paid API (it streams one word per event). The recorded call is
 * shaped as the Python SDK's openai integration records a chat completion
 * (sdk/python/src/runtime_hub/integrations/openai.py: input `{ messages }`, output the choice's
 * message, gen_ai.* request and usage attributes).
 */
const KEY = 'sk-browser-test-9f8e7d6c5b4a3210';
let llm: LlmTestServer;

test.beforeAll(async () => {
  llm = await startLlmTestServer();
});
test.afterAll(async () => {
  await llm?.close();
});

test('open an llm span in the playground, edit a message, run on two models: streamed answers, word diff, stats, new spans under the original', async ({ guarded: page, sender, baseURL }) => {
  const service = uniqueService('playground');
  const hostile = '<img src=x onerror=alert(1)>';
  const t = traceId();
  const now = Date.now();
  const original = call(
    {
      traceId: t,
      service,
      name: 'openai.chat gpt-4o-mini',
      kind: 'llm',
      input: { messages: [{ role: 'system', content: 'Answer in one short sentence.' }, { role: 'user', content: 'What is the capital of France?' }] },
      output: { role: 'assistant', content: `The capital of France is Paris. ${hostile}` },
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.2, 'gen_ai.usage.input_tokens': 24, 'gen_ai.usage.output_tokens': 9 },
    },
    now - 5000,
    830,
  );
  await sender.send([original]);
  const saved = await fetch(`${baseURL}/api/v1/playground/keys/local`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: KEY, baseUrl: llm.openaiBaseUrl }) });
  expect(saved.status).toBe(200);

  await page.goto(`/spans/${original.spanId}`);
  await page.getByTestId('open-in-playground').click();
  await expect(page).toHaveURL(new RegExp(`/playground/${original.spanId}$`));
  const playground = page.getByTestId('playground');
  await expect(playground.getByTestId('recorded-answer')).toHaveText(`The capital of France is Paris. ${hostile}`);
  await expect(playground.getByTestId('original-stats-tokens')).toHaveText('24 in · 9 out');
  await expect(page.getByLabel('Temperature')).toHaveValue('0.2');

  // Edit the user message in its CodeMirror editor; the {{variable}} gets a row in the values table.
  const editor = page.locator('[data-message-editor]').nth(1);
  await expect(editor).toHaveText('What is the capital of France?');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(`What is the capital of {{country}}? ${hostile}`);
  await page.getByLabel('Value of country').fill('Italy');

  const column = page.getByTestId('run-column');
  await column.first().getByLabel('Provider').selectOption('openai-compatible');
  await column.first().getByLabel('Model').fill('test-model');
  await column.first().getByLabel('Base URL').fill(llm.openaiBaseUrl);
  await column.first().getByLabel('Key name').fill('local');
  await page.getByRole('button', { name: 'Compare with another model' }).click();
  await column.nth(1).getByLabel('Model').fill('test-model-b');

  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/v1/playground/runs') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Run on 2 models' }).click();
  expect((await streamed).headers()['content-type']).toContain('application/x-ndjson');

  const answer = `echo: What is the capital of Italy? ${hostile}`;
  for (const i of [0, 1]) {
    await expect(column.nth(i).getByTestId('answer-text')).toHaveText(answer);
    await expect(column.nth(i).getByTestId('run-stats-tokens')).toContainText('in ·');
  }
  // The word diff: the recorded words that went, the new ones that came, all as text.
  const diff = column.first().getByTestId('answer-diff');
  await expect(diff.locator('del')).toContainText(['France']);
  await expect(diff.locator('ins').first()).toBeVisible();
  await expect(diff).toContainText('Italy');
  await expect(page.locator('img[src=x]')).toHaveCount(0);

  // Both models got the substituted prompt with streaming on; the key went only where it was saved for.
  const models = llm.requests.slice(-2).map((r) => r.body.model).sort();
  expect(models).toEqual(['test-model', 'test-model-b']);
  expect(llm.requests.at(-1)!.body.stream).toBe(true);

  // The runs are stored as llm spans under the original and listed with it.
  await expect(page.getByTestId('run-history').locator('li')).toHaveCount(2);
  const listed = (await (await fetch(`${baseURL}/api/v1/playground/runs?spanId=${original.spanId}`)).json()) as { runs: { spanId: string; parentSpanId: string; kind: string }[] };
  expect(listed.runs.map((r) => [r.parentSpanId, r.kind])).toEqual([
    [original.spanId, 'llm'],
    [original.spanId, 'llm'],
  ]);
  await column.first().getByTestId('run-span-link').click();
  const detail = page.getByTestId('span-detail');
  await expect(detail).toHaveAttribute('data-span-id', new RegExp(`^(${listed.runs.map((r) => r.spanId).join('|')})$`));
  await expect(detail.getByTestId('attributes')).toContainText(original.spanId);

  // The key never reaches the page.
  expect(await page.content()).not.toContain(KEY);
});
