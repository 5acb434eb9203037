import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';
import { sendDemoData } from './support/demo-data';

/** Regenerates docs/screenshots/*.png from demo data: `npm run screenshots -w @runtime-hub/web`. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

test('screenshots of the main views', async ({ page, hub }) => {
  test.setTimeout(120_000);
  const demo = await sendDemoData(hub.url);
  const shot = async (name: string) => {
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${OUT}${name}.png` });
  };

  await page.goto(`/?span=${demo.errorSpan}`);
  await expect(page.getByTestId('feed-row').first()).toBeVisible();
  await expect(page.getByTestId('stack-frames')).toBeVisible();
  await shot('monitor');

  await page.goto(`/traces/${demo.checkoutTrace}`);
  await expect(page.getByTestId('waterfall-row').first()).toBeVisible();
  await page.getByTestId('waterfall-row').nth(2).click();
  await shot('trace-waterfall');

  await page.goto(`/traces/${demo.checkoutTrace}?view=graph`);
  await expect(page.getByTestId('flow-node').first()).toBeVisible();
  await page.locator('[data-testid="flow-node"][data-name="db.query"]').click();
  await page.mouse.move(5, 400);
  await shot('trace-flow-graph');

  await page.goto('/errors');
  await page.getByTestId('error-group').first().click();
  await expect(page.getByTestId('occurrence').first()).toBeVisible();
  await shot('errors');

  await page.goto('/traces');
  await expect(page.getByTestId('trace-row').first()).toBeVisible();
  await shot('traces');

  await page.goto(`/traces/${demo.agentTrace}`);
  await expect(page.getByTestId('waterfall-row').first()).toBeVisible();
  await page.getByTestId('waterfall-row').nth(1).click();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate(() => document.documentElement.classList.add('dark'));
  await shot('agent-trace-dark');
});
