import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { startHub } from './support/hub';

/**
 * docs/screenshots/agents-compare.png, agents-playback.png, annotations.png from two runs of the
 * official OpenAI instrumentation (tests/fixtures/openai-stream): `npm run screenshots -w @runtime-hub/web`.
 */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./fixtures/openai-stream/openai_agent_run.py', import.meta.url));
const run = promisify(execFile);

test('screenshots of the comparison, playback and annotations', async ({ page }) => {
  test.setTimeout(300_000);
  const hub = await startHub();
  try {
    const { ensureVenv } = (await import('../../hub/dist/ingest/otlp/python-venv.js')) as { ensureVenv(n: string, p: string[], c: string): Promise<string> };
    const python = await ensureVenv(
      'runtime-hub-otlp-genai-venv',
      ['opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http', 'opentelemetry-instrumentation-openai-v2==2.4b0', 'opentelemetry-util-genai==1.1b0', 'openai', 'httpx'],
      'import opentelemetry.instrumentation.openai_v2.instruments, openai, httpx',
    );
    const a = (await run(python, [SCRIPT, hub.url, 'a', 'weather-bot'], { timeout: 90_000 })).stdout.trim();
    const b = (await run(python, [SCRIPT, hub.url, 'b', 'weather-bot'], { timeout: 90_000 })).stdout.trim();
    await expect.poll(async () => ((await (await fetch(`${hub.url}/api/v1/traces/${b}`)).json()) as { spans?: unknown[] }).spans?.length ?? 0, { timeout: 20_000 }).toBe(5);
    const shot = async (name: string) => {
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}${name}.png` });
    };

    await page.goto(`${hub.url}/compare/${a}/${b}`);
    const extra = page.locator('[data-testid="compare-row"][data-status="only-right"]');
    await extra.getByTestId('step-name').click();
    const notes = page.getByTestId('span-annotations');
    await notes.getByTestId('bookmark-toggle').click();
    await notes.getByLabel('Note text').fill('The forecast was not asked for: the tool list offered it.');
    await notes.getByLabel('Note label').fill('wrong-tool');
    await notes.getByLabel('Note score').fill('0.2');
    await notes.getByRole('button', { name: 'Add note' }).click();
    await expect(extra.getByTestId('mark-note')).toBeVisible();
    await page.getByTestId('compare-row').nth(3).click();
    await shot('agents-compare');

    await page.goto(`${hub.url}/agents/${b}`);
    await page.getByTestId('playback-toggle').click();
    for (let i = 0; i < 5; i++) await page.getByTestId('playback-next').click();
    await expect(page.getByTestId('playback-clock')).toHaveAttribute('data-events', '6');
    await shot('agents-playback');

    await page.goto(`${hub.url}/annotations`);
    await expect(page.getByTestId('annotation-row')).toHaveCount(2);
    await shot('annotations');
  } finally {
    await hub.stop();
  }
});
