import { expect, test, uniqueService } from './support/fixtures';
import { feedRow, openMonitor } from './support/pages';
import { call, PYTHON_FRAMES, PYTHON_STACK, traceId } from './support/spans';

test('the detail view shows inputs, outputs, the error with a readable stack, and family', async ({ guarded: page, sender }) => {
  const service = uniqueService('detail');
  await openMonitor(page, `?service=${service}`);
  const t = traceId();
  const now = Date.now();
  const root = call({ traceId: t, service, name: 'shop.checkout.place_order', input: { cart_id: 'c-1', user: { id: 7, email: 'ada@example.com' } }, output: { order_id: 'o-99', total: 41.5 }, attributes: { 'http.method': 'POST', retries: 2 } }, now, 200);
  const failing = call(
    {
      traceId: t,
      service,
      parentSpanId: root.spanId,
      name: 'shop.pricing.price_cart',
      status: 'error',
      input: { items: [{ sku: 'TEA-01', price: -3, qty: 2 }], note: 'x'.repeat(1000) },
      error: { type: 'ValueError', message: 'price must not be negative', stack: PYTHON_STACK, frames: PYTHON_FRAMES },
      events: [{ name: 'retrying', time: now + 12, attributes: { attempt: 2 } }],
    },
    now + 10,
    15,
  );
  await sender.send([root, failing]);

  await feedRow(page, root.spanId).click();
  const detail = page.getByTestId('span-detail');
  await expect(detail.getByTestId('detail-name')).toHaveText('shop.checkout.place_order');
  await expect(detail.getByTestId('detail-input')).toContainText('"cart_id"');
  await expect(detail.getByTestId('detail-input')).toContainText('ada@example.com');
  await expect(detail.getByTestId('detail-output')).toContainText('"order_id"');
  await expect(detail.getByTestId('detail-output')).toContainText('41.5');
  await expect(detail.getByTestId('attributes')).toContainText('http.method');
  await expect(page).toHaveURL(new RegExp(`span=${root.spanId}`));

  // Children are navigable.
  await detail.getByTestId('children').getByRole('button', { name: /shop\.pricing\.price_cart/ }).click();
  await expect(detail.getByTestId('detail-name')).toHaveText('shop.pricing.price_cart');
  await expect(page).toHaveURL(new RegExp(`span=${failing.spanId}`));
  await expect(detail.getByTestId('error-type')).toHaveText('ValueError');
  await expect(detail.getByTestId('error-message')).toHaveText('price must not be negative');
  const frames = detail.getByTestId('stack-frames').locator('li');
  // Most recent call first; the user's own frames stand out, library frames are dimmed.
  await expect(frames).toHaveCount(4);
  await expect(frames.nth(0)).toHaveAttribute('data-in-app', 'false');
  await expect(frames.nth(1)).toHaveAttribute('data-in-app', 'true');
  await expect(frames.nth(1)).toContainText('price_cart');
  await expect(frames.nth(1)).toContainText('/app/shop/pricing.py:17');
  await expect(frames.nth(2)).toContainText('/app/shop/checkout.py:42');
  // Long strings are folded until asked for.
  await expect(detail.getByTestId('detail-input')).toContainText('show 760 more characters');
  await expect(detail).toContainText('retrying');

  // And back to the parent.
  await detail.getByTestId('parent-link').click();
  await expect(detail.getByTestId('detail-name')).toHaveText('shop.checkout.place_order');
});

test('JSON viewer: collapse, expand all, copy path', async ({ guarded: page, sender, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const service = uniqueService('json');
  await openMonitor(page, `?service=${service}`);
  const span = call({ traceId: traceId(), service, name: 'deep', input: { a: { b: { c: { d: { e: 'deep-value' } } } }, list: [1, 2, 3] } }, Date.now(), 3);
  await sender.send([span]);
  await feedRow(page, span.spanId).click();
  const input = page.getByTestId('detail-input');
  await expect(input).not.toContainText('deep-value');
  await input.getByRole('button', { name: 'expand all' }).click();
  await expect(input).toContainText('deep-value');
  await input.locator('[data-path="input.a.b.c.d.e"]').hover();
  await input.locator('[data-path="input.a.b.c.d.e"]').getByRole('button', { name: 'Copy path input.a.b.c.d.e' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('input.a.b.c.d.e');
  await input.getByRole('button', { name: 'collapse all' }).click();
  await expect(input).not.toContainText('deep-value');
});
