import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, uniqueService } from './support/fixtures';
import { feedRow, openMonitor } from './support/pages';
import { call, traceId } from './support/spans';

test('menu bar: theme, density, shortcuts; keyboard shortcuts navigate', async ({ guarded: page }) => {
  await openMonitor(page);
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Compact density' }).click();
  await expect(page.locator('[data-density]')).toHaveAttribute('data-density', 'compact');
  // Preferences survive a reload.
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.keyboard.press('t');
  await expect(page.locator('html')).not.toHaveClass(/dark/);

  await page.getByRole('menuitem', { name: 'Help' }).click();
  await page.getByRole('menuitem', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Pause / resume the live feed');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.keyboard.press('3');
  await expect(page).toHaveURL(/\/errors/);
  await page.keyboard.press('2');
  await expect(page).toHaveURL(/\/traces/);
  await page.keyboard.press('1');
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search words' })).toBeFocused();

  await page.getByRole('menuitem', { name: 'Monitor' }).click();
  await page.getByRole('menuitem', { name: 'Pause live' }).click();
  await expect(page.getByTestId('pause-button')).toHaveText(/Resume/);
  await expect(page.getByTestId('event-rate')).toContainText('paused');
});

test('installable: manifest with icons, service worker', async ({ guarded: page, request }) => {
  const manifest = (await (await request.get('/manifest.webmanifest')).json()) as { display: string; icons: { sizes: string }[] };
  expect(manifest.display).toBe('standalone');
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect((await request.get('/icon-512.png')).headers()['content-type']).toContain('image/png');
  await openMonitor(page);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)).toMatch(/\/sw\.js$/);
});

test('File → Export saves the current filter; File → Import sends a file back', async ({ guarded: page, sender }) => {
  const service = uniqueService('transfer');
  const now = Date.now();
  const spans = Array.from({ length: 12 }, (_, i) => call({ traceId: traceId(), service, name: `job_${i}`, input: { i, html: '<i>x</i>' } }, now + i, 4));
  await sender.send(spans);
  await openMonitor(page, `?service=${service}`);

  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Export…' }).click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toContainText(`service=${service}`);
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  await expect(page.getByTestId('export-progress')).toContainText('12 spans');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(12);
  expect(lines.map((l) => (JSON.parse(l) as { service: string }).service)).toEqual(Array(12).fill(service));
  await page.keyboard.press('Escape');

  // Import the export under a new service name and new ids: the spans show up live.
  const imported = uniqueService('imported');
  const rewritten = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((s, i) => ({ ...s, service: imported, traceId: traceId(), spanId: `${(i + 1).toString(16).padStart(4, '0')}${'c'.repeat(12)}` }));
  const path = join(tmpdir(), `${imported}.jsonl`);
  writeFileSync(path, `${rewritten.map((s) => JSON.stringify(s)).join('\n')}\nnot json\n`);
  await page.goto(`/?service=${imported}`);
  await expect(page.getByTestId('live-feed')).toHaveAttribute('data-ready', 'true');
  await page.keyboard.press('i');
  await page.getByLabel('File to import').setInputFiles(path);
  await page.getByTestId('import-dialog').getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-result')).toHaveText('12 spans imported, 1 rejected.');
  await page.keyboard.press('Escape');
  await expect(feedRow(page, rewritten[0]!.spanId as string)).toBeVisible();
  await expect(page.getByTestId('feed-count')).toHaveText('12 shown');
});
