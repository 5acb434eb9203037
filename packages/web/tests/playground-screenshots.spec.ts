import { fileURLToPath } from 'node:url';
import { startLlmTestServer } from '@runtime-hub/engine/testing';
import { expect, test } from './support/fixtures';
import { call, traceId } from './support/spans';

/** docs/screenshots/playground.png, regenerated with `npm run screenshots -w @runtime-hub/web`. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

test('screenshot of the prompt playground comparing two models', async ({ page, sender, baseURL }) => {
  const llm = await startLlmTestServer();
  try {
    const original = call(
      {
        traceId: traceId(),
        service: 'support-agent',
        name: 'openai.chat gpt-4o-mini',
        kind: 'llm',
        input: { messages: [{ role: 'system', content: 'You are a support agent. Answer in one short sentence.' }, { role: 'user', content: 'Where is my order o-5011?' }] },
        output: { role: 'assistant', content: 'Your order o-5011 shipped yesterday and arrives Thursday.' },
        attributes: { 'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.2, 'gen_ai.usage.input_tokens': 41, 'gen_ai.usage.output_tokens': 12 },
      },
      Date.now() - 60_000,
      1240,
    );
    await sender.send([original]);
    await fetch(`${baseURL}/api/v1/playground/keys/local`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'sk-local', baseUrl: llm.openaiBaseUrl }) });
    await page.goto(`/playground/${original.spanId}`);
    const editor = page.locator('[data-message-editor]').nth(1);
    await expect(editor).toHaveText('Where is my order o-5011?');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Where is my order {{order}}? I am {{name}}.');
    await page.getByLabel('Value of order').fill('o-5012');
    await page.getByLabel('Value of name').fill('Ada');
    const column = page.getByTestId('run-column');
    await column.first().getByLabel('Provider').selectOption('openai-compatible');
    await column.first().getByLabel('Model').fill('llama3.1:8b');
    await column.first().getByLabel('Base URL').fill(llm.openaiBaseUrl);
    await column.first().getByLabel('Key name').fill('local');
    await page.getByRole('button', { name: 'Compare with another model' }).click();
    await column.nth(1).getByLabel('Model').fill('qwen2.5:7b');
    await page.getByRole('button', { name: 'Run on 2 models' }).click();
    await expect(column.nth(1).getByTestId('answer-diff')).toBeVisible();
    await page.screenshot({ path: `${OUT}playground.png` });
  } finally {
    await llm.close();
  }
});
