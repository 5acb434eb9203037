import { expect, test, uniqueService } from './support/fixtures';
import { startHub } from './support/hub';
import { expectNotReloaded, markWindow } from './support/pages';
import { call, Sender, spanId, traceId, type SpanRecord } from './support/spans';

// Tall enough that all 51 rows of the virtualized feed are in the DOM.
test.use({ viewport: { width: 1440, height: 2200 } });

test('after the hub restarts, the feed resumes without gaps or duplicates', async ({ guarded: page }) => {
  test.setTimeout(90_000);
  const first = await startHub();
  const service = uniqueService('restart');
  const url = first.url;
  const sender = new Sender(url);
  let hub = first;
  try {
    await page.goto(`${url}/?service=${service}`);
    await expect(page.getByTestId('live-feed')).toHaveAttribute('data-ready', 'true');
    await markWindow(page);

    const now = Date.now();
    const before = Array.from({ length: 20 }, (_, i) => call({ traceId: traceId(), service, name: `before_${i}` }, now + i, 3));
    const running: SpanRecord = { traceId: traceId(), spanId: spanId(), parentSpanId: null, service, name: 'spans_the_restart', kind: 'function', startTime: now + 30 };
    await sender.send([...before, running]);
    await expect(page.getByTestId('feed-row')).toHaveCount(21);

    await hub.stop();
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
    await expect(page.getByTestId('connection-state')).toContainText(/attempt \d+/, { timeout: 15_000 });

    hub = await startHub({ dataDir: first.dataDir, port: first.port });
    expect(hub.url).toBe(url);
    // Sent while the dashboard is still reconnecting: it must get them on resume.
    const t = Date.now();
    const after = Array.from({ length: 30 }, (_, i) => call({ traceId: traceId(), service, name: `after_${i}` }, t + i, 3));
    await sender.send([...after.slice(0, 15), { ...running, endTime: t, status: 'ok' }]);
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
    // Sent once connected again: they arrive live.
    await sender.send(after.slice(15));

    await expect(page.getByTestId('feed-scroller')).toHaveAttribute('aria-rowcount', '51');
    await expect(page.getByTestId('feed-row')).toHaveCount(51);
    const ids = await page.getByTestId('feed-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-span-id')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set([...before, running, ...after].map((s) => s.spanId)));
    await expect(page.locator(`[data-testid="feed-row"][data-span-id="${running.spanId}"]`)).toHaveAttribute('data-status', 'ok');
    await expectNotReloaded(page);
  } finally {
    await hub.stop();
  }
});
