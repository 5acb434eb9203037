import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';
import { api, node } from './support/studio';

/** docs/screenshots/workflow-studio*.png, regenerated with `npm run screenshots -w @runtime-hub/web`. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

test('screenshot of the workflow studio after a run', async ({ page, hub }) => {
  await api(hub.url, 'POST', '/api/v1/projects', { id: 'shop', name: 'Shop' });
  const created = await api(hub.url, 'POST', '/api/v1/projects/shop/workflows', {
    id: 'order',
    name: 'New order',
    visibility: 'public',
    endpoint: { method: 'POST', path: '/orders' },
    trigger: { type: 'webhook' },
    nodes: [
      { id: 'start', type: 'trigger', name: 'Order webhook', position: { x: 0, y: 0 } },
      { id: 'stock', type: 'http', name: 'Check stock', config: { url: 'https://stock.example/api/items' }, position: { x: 260, y: 0 } },
      { id: 'total', type: 'set', name: 'Compute total', config: { fields: { customer: '{{ trigger.body.customer }}', total: '{{ trigger.body.items | map("price") | sum }}' } }, position: { x: 520, y: 0 } },
      { id: 'big', type: 'condition', name: 'Over 100?', config: { condition: '{{ input.total > 100 }}' }, position: { x: 780, y: 0 } },
      { id: 'vip', type: 'set', name: 'VIP discount', config: { fields: { discount: '{{ input.total * 0.1 }}', customer: '{{ input.customer }}' } }, position: { x: 1040, y: -70 } },
      { id: 'plain', type: 'set', name: 'No discount', config: { fields: { discount: '0' } }, position: { x: 1040, y: 70 } },
      { id: 'answer', type: 'respond', name: 'Answer', config: { status: 201, body: '{{ input }}' }, position: { x: 1300, y: 0 } },
    ],
    edges: [
      { source: 'start', target: 'stock' },
      { source: 'stock', target: 'total' },
      { source: 'total', target: 'big' },
      { source: 'big', sourceOutput: 'true', target: 'vip' },
      { source: 'big', sourceOutput: 'false', target: 'plain' },
      { source: 'vip', target: 'answer' },
      { source: 'plain', target: 'answer' },
    ],
    // Pinned data: runs started from the editor use this instead of calling the stock service.
    pinned: { stock: { status: 200, headers: {}, body: { inStock: true, warehouse: 'Lyon' } } },
    stickyNotes: [
      { id: 'why', text: 'Stock is pinned while we build: runs from the editor skip the stock API.\nWebhook calls still use it.', position: { x: 200, y: -170 }, width: 330, height: 100 },
      { id: 'vip', text: 'VIP rule agreed with sales (ticket 412).', position: { x: 1000, y: 150 }, width: 260, height: 70, color: 'blue' },
    ],
  });
  expect(created.status).toBe(201);
  await page.goto('/workflows/shop/order');
  await expect(node(page, 'answer')).toBeVisible();
  await page.getByLabel('Trigger data').fill(JSON.stringify({ customer: 'Ada', items: [{ price: 80 }, { price: 45 }] }));
  await page.getByTestId('run-button').click();
  await expect(node(page, 'answer')).toHaveAttribute('data-status', 'succeeded');
  await node(page, 'vip').click();
  await expect(page.getByTestId('node-output')).toContainText('12.5');
  await page.getByRole('button', { name: 'Fit View' }).click();
  await page.mouse.move(5, 400);
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${OUT}workflow-studio.png` });

  // The same in the dark theme (View → Dark theme).
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitemcheckbox', { name: /Dark theme/ }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await node(page, 'stock').click();
  await expect(page.getByTestId('pinned-output')).toContainText('Lyon');
  await page.mouse.move(5, 400);
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${OUT}workflow-studio-dark.png` });
});
