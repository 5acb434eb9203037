import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';
import { startHub, type RunningHub } from './support/hub';
import { call, Sender, traceId } from './support/spans';

/** docs/screenshots/plugins.png: the first test takes it with UPDATE_SCREENSHOTS=1 (it shows every state a plugin has). */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

const HOSTILE = `export default { name: 'hostile', description: '<b onmouseover=alert(1)>bold</b>', setup(hub) {
  hub.route('GET', '/rows', () => [{ spanId: '<img src=x onerror=alert(1)>', note: '<script>alert(2)</script>' }]);
  hub.widget({ id: 'rows', title: '<i>hostile widget</i>', route: '/rows' });
} };`;

let hub: RunningHub;

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'runtime-hub-web-plugins-'));
  mkdirSync(join(dataDir, 'plugins'));
  writeFileSync(join(dataDir, 'plugins', 'hostile.mjs'), HOSTILE);
  writeFileSync(join(dataDir, 'plugins', 'broken.mjs'), 'export default {');
  hub = await startHub({ dataDir, args: ['--plugin', 'builtin:n-plus-one', '--plugin', 'builtin:slow-calls'] });
});
test.afterAll(async () => hub?.stop());

test('the Plugins page shows each plugin, why one is disabled, and widgets whose ids open the span', async ({ guarded: page }) => {
  const sender = new Sender(hub.url);
  const t = traceId();
  const now = Date.now();
  const parent = call({ traceId: t, service: 'orders-api', name: 'GET /orders', kind: 'http' }, now - 2000, 400);
  const queries = Array.from({ length: 14 }, (_, i) =>
    call({ traceId: t, parentSpanId: parent.spanId, service: 'orders-api', name: 'SELECT * FROM line_items WHERE order_id = ?', kind: 'function' }, now - 1990 + i * 20, 12),
  );
  await sender.send([parent, ...queries]);

  await page.goto(`${hub.url}/plugins`);
  const n1 = page.getByTestId('plugin-n-plus-one');
  await expect(n1.getByTestId('plugin-state')).toHaveText('running');
  const widget = n1.getByTestId('widget-n-plus-one-detections');
  await expect(widget.getByRole('link', { name: parent.spanId })).toBeVisible({ timeout: 20_000 });
  await expect(widget).toContainText('SELECT * FROM line_items WHERE order_id = ?');

  const broken = page.locator('[data-testid^="plugin-"]', { hasText: 'broken.mjs' }).first();
  await expect(broken.getByTestId('plugin-state')).toHaveText('disabled');
  await expect(broken.getByTestId('plugin-error')).toContainText('setup failed: SyntaxError');

  // What a plugin returns or calls itself stays text.
  const hostile = page.getByTestId('plugin-hostile');
  await expect(hostile).toContainText('<b onmouseover=alert(1)>bold</b>');
  await expect(hostile.getByTestId('widget-hostile-rows')).toContainText('<script>alert(2)</script>');
  await expect(hostile.getByTestId('widget-hostile-rows')).toContainText('<i>hostile widget</i>');
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${OUT}plugins.png` });

  // The finding is a note on the span: the span page shows it.
  await widget.getByRole('link', { name: parent.spanId }).click();
  await expect(page).toHaveURL(new RegExp(`/spans/${parent.spanId}$`));
  await expect(page.getByText('plugin:n-plus-one: N+1')).toBeVisible();
});

test('with no plugin loaded, the page says how to enable one', async ({ guarded: page, baseURL }) => {
  await page.goto(`${baseURL}/plugins`);
  await expect(page.getByTestId('plugins-empty')).toContainText('--plugin builtin:n-plus-one');
});
