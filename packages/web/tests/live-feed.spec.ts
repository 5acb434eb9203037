import { expect, test, uniqueService } from './support/fixtures';
import { expectNotReloaded, feedRow, markWindow, openMonitor } from './support/pages';
import { call, spanId, traceId, type SpanRecord } from './support/spans';

test('calls appear in the feed live, without a reload', async ({ guarded: page, sender }) => {
  const service = uniqueService('live');
  await openMonitor(page, `?service=${service}`);
  await markWindow(page);

  const t = traceId();
  const now = Date.now();
  const root = call({ traceId: t, service, name: 'handle_request', input: { path: '/orders' } }, now, 120);
  const child = call({ traceId: t, service, parentSpanId: root.spanId, name: 'load_user', input: { id: 7 }, output: { name: 'Ada' } }, now + 5, 30);
  const grandchild = call({ traceId: t, service, parentSpanId: child.spanId, name: 'db.query', input: { sql: 'SELECT 1' } }, now + 8, 10);
  await sender.send([root, child, grandchild]);

  await expect(feedRow(page, root.spanId)).toBeVisible();
  await expect(feedRow(page, child.spanId)).toBeVisible();
  await expect(feedRow(page, grandchild.spanId)).toBeVisible();
  // Newest start first.
  const order = await page.getByTestId('feed-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-span-id')));
  expect(order.slice(0, 3)).toEqual([grandchild.spanId, child.spanId, root.spanId]);
  await expect(feedRow(page, child.spanId).getByTestId('feed-duration')).toHaveText('30 ms');
  await expectNotReloaded(page);
});

test('a call that runs for seconds shows as running, then updates in place when it ends', async ({ guarded: page, sender }) => {
  const service = uniqueService('slow');
  await openMonitor(page, `?service=${service}`);
  await markWindow(page);

  const start = Date.now();
  const running: SpanRecord = { traceId: traceId(), spanId: spanId(), parentSpanId: null, service, name: 'generate_report', kind: 'function', startTime: start, input: { month: 11 } };
  await sender.send([running]);
  const row = feedRow(page, running.spanId);
  await expect(row).toHaveAttribute('data-status', 'running');
  // Tag the DOM node: if the row is replaced instead of updated, the tag disappears.
  await row.evaluate((el) => el.setAttribute('data-probe', 'same-node'));

  await row.click();
  await expect(page.getByTestId('span-detail')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('detail-duration')).toContainText('running for');
  await page.waitForTimeout(2000);
  await expect(row).toHaveAttribute('data-status', 'running');

  await sender.send([{ ...running, endTime: start + 2500, status: 'ok', output: { rows: 1204 } }]);
  await expect(row).toHaveAttribute('data-status', 'ok');
  await expect(row.getByTestId('feed-duration')).toHaveText('2.50 s');
  await expect(row).toHaveAttribute('data-probe', 'same-node');
  await expect(page.locator(`[data-testid="feed-row"][data-span-id="${running.spanId}"]`)).toHaveCount(1);
  // The open detail follows the update too.
  await expect(page.getByTestId('span-detail')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('detail-output')).toContainText('1204');
  await expectNotReloaded(page);
});

test('the live channel carries summaries without payloads; a click shows the input and output fetched whole', async ({ guarded: page, sender }) => {
  const service = uniqueService('summary');
  // Every frame the hub sends on the dashboard's sockets (Socket.IO text packets).
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(typeof payload === 'string' ? payload : payload.toString('utf8'))));
  await openMonitor(page, `?service=${service}`);

  // The distinctive parts of the input sit past the 120 characters a live preview carries.
  const input = { path: '/orders/search', filler: 'f'.repeat(150), marker: 'input-tail-7f3a' };
  const output = { rows: 3, marker: 'output-only-91c2' };
  const span = call({ traceId: traceId(), service, name: 'search_orders', input, output }, Date.now(), 40);
  await sender.send([span]);

  const row = feedRow(page, span.spanId);
  await expect(row).toBeVisible();
  // The row previews the input's beginning.
  await expect(row).toContainText('{"path":"/orders/search"');
  const delivered = frames.filter((f) => f.includes(span.spanId));
  expect(delivered.length).toBeGreaterThan(0);
  for (const frame of delivered) {
    expect(frame).not.toContain('input-tail-7f3a');
    expect(frame).not.toContain('output-only-91c2');
  }

  await row.click();
  await expect(page.getByTestId('detail-input')).toContainText('input-tail-7f3a');
  await expect(page.getByTestId('detail-output')).toContainText('output-only-91c2');
});

test('pause holds new calls back with an "N new" counter; resume shows them', async ({ guarded: page, sender }) => {
  const service = uniqueService('pause');
  await openMonitor(page, `?service=${service}`);
  const now = Date.now();
  const first = call({ traceId: traceId(), service, name: 'first' }, now, 5);
  await sender.send([first]);
  await expect(feedRow(page, first.spanId)).toBeVisible();

  await page.getByTestId('pause-button').click();
  const later = [1, 2, 3].map((i) => call({ traceId: traceId(), service, name: `later_${i}` }, now + i, 5));
  await sender.send(later);
  await expect(page.getByTestId('new-count')).toHaveText('3 new');
  await expect(page.getByTestId('feed-row')).toHaveCount(1);

  await page.keyboard.press('p');
  await expect(page.getByTestId('feed-row')).toHaveCount(4);
  await expect(page.getByTestId('new-count')).toHaveCount(0);
});

test('the status bar shows connection, address, rate and stored spans', async ({ guarded: page, sender, hub }) => {
  const service = uniqueService('status');
  await openMonitor(page);
  await expect(page.getByTestId('connection-state')).toHaveText(/connected/);
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText(new URL(hub.url).host);
  const now = Date.now();
  const spans = Array.from({ length: 50 }, (_, i) => call({ traceId: traceId(), service, name: `tick_${i}` }, now + i, 1));
  await sender.send(spans);
  await expect(page.getByTestId('event-rate')).not.toHaveText(/^0 spans\/s/, { timeout: 8000 });
  await expect(page.getByTestId('stored-spans')).toHaveText(/\d+ stored/);
});
