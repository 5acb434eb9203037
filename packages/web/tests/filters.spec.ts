import { expect, test, uniqueService } from './support/fixtures';
import { feedRow, openMonitor } from './support/pages';
import { call, spanId, traceId } from './support/spans';

test('filters apply live, live in the URL, and a shared URL opens the same view', async ({ guarded: page, sender, browser, baseURL }) => {
  const a = uniqueService('alpha');
  const b = uniqueService('beta');
  const now = Date.now();
  const fastA = call({ traceId: traceId(), service: a, name: 'fetch_user' }, now, 5);
  const slowA = call({ traceId: traceId(), service: a, name: 'fetch_orders', kind: 'http' }, now + 1, 900);
  const errA = call({ traceId: traceId(), service: a, name: 'fetch_invoice', status: 'error', error: { type: 'KeyError', message: 'invoice' } }, now + 2, 50);
  const other = call({ traceId: traceId(), service: b, name: 'fetch_user' }, now + 3, 5);
  await sender.send([fastA, slowA, errA, other]);
  await sender.heartbeat(a);
  await sender.heartbeat(b);

  await openMonitor(page);
  // Clicking an app filters to it.
  await page.locator(`[data-testid="app"][data-service="${a}"]`).click();
  await expect(page).toHaveURL(new RegExp(`service=${a}`));
  await expect(feedRow(page, fastA.spanId)).toBeVisible();
  await expect(feedRow(page, other.spanId)).toHaveCount(0);
  await expect(page.getByTestId('feed-row')).toHaveCount(3);

  // Name search.
  await page.getByRole('searchbox', { name: 'Search words' }).fill('orders');
  await expect(page).toHaveURL(/q=orders/);
  await expect(page.getByTestId('feed-row')).toHaveCount(1);
  await expect(feedRow(page, slowA.spanId)).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search words' }).fill('');
  await expect(page.getByTestId('feed-row')).toHaveCount(3);

  // Minimum duration, applied to calls arriving live as well.
  await page.getByRole('spinbutton', { name: 'Minimum duration in milliseconds' }).fill('40');
  await expect(page).toHaveURL(/minMs=40/);
  await expect(page.getByTestId('feed-row')).toHaveCount(2);
  const slowLive = call({ traceId: traceId(), service: a, name: 'fetch_live' }, Date.now(), 120);
  const fastLive = call({ traceId: traceId(), service: a, name: 'fetch_quick' }, Date.now(), 2);
  await sender.send([slowLive, fastLive]);
  await expect(feedRow(page, slowLive.spanId)).toBeVisible();
  await expect(feedRow(page, fastLive.spanId)).toHaveCount(0);

  // Status.
  await page.getByRole('combobox', { name: 'Status' }).selectOption('error');
  await expect(page).toHaveURL(/status=error/);
  await expect(page.getByTestId('feed-row')).toHaveCount(1);
  await expect(feedRow(page, errA.spanId)).toBeVisible();

  // The same URL in a fresh browser shows the same view.
  const shared = page.url();
  const other_ = await browser.newContext({ baseURL: baseURL! });
  const second = await other_.newPage();
  await second.goto(shared);
  await expect(second.getByTestId('live-feed')).toHaveAttribute('data-ready', 'true');
  await expect(second.getByRole('combobox', { name: 'Service' })).toHaveValue(a);
  await expect(second.getByRole('combobox', { name: 'Status' })).toHaveValue('error');
  await expect(second.getByRole('spinbutton', { name: 'Minimum duration in milliseconds' })).toHaveValue('40');
  await expect(second.getByTestId('feed-row')).toHaveCount(1);
  await expect(second.locator(`[data-testid="feed-row"][data-span-id="${errA.spanId}"]`)).toBeVisible();

  // Other views keep the filter.
  await second.getByRole('link', { name: /Traces/ }).click();
  await expect(second).toHaveURL(new RegExp(`/traces\\?.*service=${a}`));
  await expect(second.getByTestId('trace-row')).toHaveCount(1);
  await other_.close();

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/service=/);
});

test('the "running" status filter shows calls until they end', async ({ guarded: page, sender }) => {
  const service = uniqueService('running');
  await openMonitor(page, `?service=${service}&status=running`);
  const start = Date.now();
  const running = { traceId: traceId(), spanId: spanId(), parentSpanId: null, service, name: 'long_job', kind: 'function', startTime: start };
  const done = call({ traceId: traceId(), service, name: 'quick' }, start, 2);
  await sender.send([running, done]);
  await expect(feedRow(page, running.spanId)).toBeVisible();
  await expect(feedRow(page, done.spanId)).toHaveCount(0);
  await sender.send([{ ...running, endTime: start + 500, status: 'ok' }]);
  await expect(feedRow(page, running.spanId)).toHaveCount(0);
});
