import { expect, test } from './support/fixtures';
import { startHub } from './support/hub';
import { call, traceId } from './support/spans';

test('with a token, /?token= once authorizes the dashboard, its API calls and its live channel', async ({ guarded: page, browser }) => {
  const token = 's3cret-token';
  const hub = await startHub({ token });
  try {
    const denied = await browser.newContext();
    expect((await denied.request.get(`${hub.url}/api/v1/services`)).status()).toBe(401);
    await denied.close();

    await page.goto(`${hub.url}/?token=${token}`);
    await expect(page).toHaveURL(`${hub.url}/`);
    await expect(page.getByTestId('live-feed')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
    const span = call({ traceId: traceId(), service: 'secured', name: 'guarded_call' }, Date.now(), 3);
    const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ spans: [span] }) });
    expect(res.status).toBe(200);
    await expect(page.locator(`[data-testid="feed-row"][data-span-id="${span.spanId}"]`)).toBeVisible();
    await expect(page.getByTestId('stored-spans')).toHaveText('1 stored', { timeout: 10_000 });
  } finally {
    await hub.stop();
  }
});
