import { expect, test, uniqueService } from './support/fixtures';
import { feedRow, openMonitor } from './support/pages';
import { call, traceId } from './support/spans';

test('traces page by cursor; sessions group traces and open them', async ({ guarded: page, sender }) => {
  const service = uniqueService('lists');
  const now = Date.now();
  const spans = Array.from({ length: 130 }, (_, i) => call({ traceId: traceId(), service, name: `req_${i}`, sessionId: `sess-${service}-${i % 3}` }, now - i * 10, 5));
  await sender.send(spans);

  await page.goto(`/traces?service=${service}`);
  await expect(page.getByTestId('trace-row')).toHaveCount(100);
  await expect(page.getByTestId('trace-row').first()).toContainText('req_0');
  await page.getByTestId('load-more').click();
  await expect(page.getByTestId('trace-row')).toHaveCount(130);
  await expect(page.getByTestId('load-more')).toHaveCount(0);
  await expect(page.getByTestId('trace-row').last()).toContainText('req_129');

  await page.getByRole('link', { name: /Sessions/ }).click();
  await expect(page).toHaveURL(new RegExp(`/sessions\\?service=${service}`));
  const sessions = page.getByTestId('session-row');
  await expect(sessions).toHaveCount(3);
  await expect(sessions.filter({ hasText: `sess-${service}-1` })).toContainText('43');
  await sessions.getByRole('link', { name: `sess-${service}-1` }).click();
  await expect(page).toHaveURL(new RegExp(`/traces\\?sessionId=sess-${service}-1`));
  await expect(page.getByTestId('trace-row')).toHaveCount(43);
});

test('keyboard: J / K move through the feed, Enter opens the trace, Esc closes', async ({ guarded: page, sender }) => {
  const service = uniqueService('keys');
  const now = Date.now();
  const spans = [0, 1, 2].map((i) => call({ traceId: traceId(), service, name: `step_${i}` }, now + i, 3));
  await sender.send(spans);
  await openMonitor(page, `?service=${service}`);
  await expect(feedRow(page, spans[0]!.spanId)).toBeVisible();
  await page.keyboard.press('j');
  await expect(page.getByTestId('span-detail').getByTestId('detail-name')).toHaveText('step_2');
  await page.keyboard.press('j');
  await expect(page.getByTestId('span-detail').getByTestId('detail-name')).toHaveText('step_1');
  await page.keyboard.press('k');
  await expect(page.getByTestId('span-detail').getByTestId('detail-name')).toHaveText('step_2');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('span-detail')).toHaveCount(0);
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/traces/${spans[2]!.traceId}\\?span=${spans[2]!.spanId}`));
  await expect(page.getByTestId('waterfall-row')).toHaveCount(1);
  await expect(page.getByTestId('span-detail').getByTestId('detail-name')).toHaveText('step_2');
});

test('the monitor lists recent errors of the filtered app', async ({ guarded: page, sender }) => {
  const service = uniqueService('recent');
  await sender.send([call({ traceId: traceId(), service, name: 'parse', status: 'error', error: { type: 'JSONDecodeError', message: 'Expecting value' } }, Date.now(), 2)]);
  await openMonitor(page, `?service=${service}`);
  const recent = page.getByTestId('recent-errors');
  await expect(recent).toContainText('JSONDecodeError');
  await recent.getByRole('link', { name: /JSONDecodeError/ }).click();
  await expect(page).toHaveURL(/\/errors\?service=.*&group=[0-9a-f]{16}/);
  await expect(page.getByTestId('occurrence')).toHaveCount(1);
});

test('connected apps: presence, language, instances, activity, dropped spans; a click filters', async ({ guarded: page, sender }) => {
  const service = uniqueService('presence');
  await sender.heartbeat(service, 'python', { queue_full: 12 });
  await sender.send([call({ traceId: traceId(), service, name: 'tick' }, Date.now(), 2)]);
  await openMonitor(page);
  const app = page.locator(`[data-testid="app"][data-service="${service}"]`);
  await expect(app.getByLabel('online')).toBeVisible();
  await expect(app).toContainText('python');
  await expect(app).toContainText('1 instance');
  await expect(app).toContainText('12 dropped');
  await expect(app).toHaveAttribute('title', /devbox pid 4242/);
  await app.click();
  await expect(app).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(new RegExp(`service=${service}`));
});
