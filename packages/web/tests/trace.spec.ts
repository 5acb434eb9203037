import { expect, test, uniqueService } from './support/fixtures';
import { call, traceId, type SpanRecord } from './support/spans';

/** handle → (auth, load_cart → db.query ×2, charge) */
function nestedTrace(service: string) {
  const t = traceId();
  const now = Date.now();
  const root = call({ traceId: t, service, name: 'handle', kind: 'http' }, now, 300);
  const auth = call({ traceId: t, service, parentSpanId: root.spanId, name: 'auth' }, now + 1, 20);
  const cart = call({ traceId: t, service, parentSpanId: root.spanId, name: 'load_cart' }, now + 30, 100);
  const q1 = call({ traceId: t, service, parentSpanId: cart.spanId, name: 'db.query', input: { sql: 'SELECT * FROM carts' } }, now + 35, 30);
  const q2 = call({ traceId: t, service, parentSpanId: cart.spanId, name: 'db.query', input: { sql: 'SELECT * FROM items' } }, now + 70, 50);
  const charge = call({ traceId: t, service, parentSpanId: root.spanId, name: 'charge', status: 'error', error: { type: 'CardError', message: 'declined' } }, now + 140, 150);
  const spans: SpanRecord[] = [root, auth, cart, q1, q2, charge];
  return { t, spans, root, auth, cart, q1, q2, charge };
}

test('the waterfall shows the nesting and collapses subtrees', async ({ guarded: page, sender }) => {
  const service = uniqueService('waterfall');
  const trace = nestedTrace(service);
  await sender.send(trace.spans);

  // Reached from the traces list, and by its own URL.
  await page.goto(`/traces?service=${service}`);
  await page.getByTestId('trace-row').getByRole('link', { name: 'handle' }).click();
  await expect(page).toHaveURL(new RegExp(`/traces/${trace.t}$`));
  const rows = page.getByTestId('waterfall-row');
  await expect(rows).toHaveCount(6);
  const depths = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-depth')));
  expect(depths).toEqual(['0', '1', '1', '2', '2', '1']);
  await expect(rows.nth(3)).toContainText('db.query');
  await expect(rows.nth(5)).toContainText('charge');

  await rows.nth(2).getByRole('button', { name: 'Collapse' }).click();
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(2)).toContainText('+2');
  await page.getByRole('button', { name: 'Expand all' }).click();
  await expect(rows).toHaveCount(6);

  await rows.nth(4).click();
  await expect(page.getByTestId('span-detail').getByTestId('detail-input')).toContainText('SELECT * FROM items');
  await expect(page).toHaveURL(new RegExp(`span=${trace.q2.spanId}`));
  await page.reload();
  await expect(page.getByTestId('span-detail').getByTestId('detail-input')).toContainText('SELECT * FROM items');
});

test('the flow graph shows functions, calls with counts, and the calls of a node', async ({ guarded: page, sender }) => {
  const service = uniqueService('graph');
  const trace = nestedTrace(service);
  await sender.send(trace.spans);
  await page.goto(`/traces/${trace.t}?view=graph`);
  const nodes = page.getByTestId('flow-node');
  await expect(nodes).toHaveCount(5);
  await expect(page.locator('[data-testid="flow-node"][data-name="db.query"]')).toHaveAttribute('data-calls', '2');
  const edge = page.locator('[data-testid="flow-edge"][data-from="load_cart"][data-to="db.query"]');
  await expect(edge).toHaveAttribute('data-calls', '2');
  await expect(edge).toContainText('×2 · 80 ms');
  await expect(page.locator('[data-testid="flow-edge"][data-from="handle"][data-to="load_cart"]')).toHaveAttribute('data-calls', '1');

  // Hover highlights the path from the root: off-path nodes fade.
  await page.locator('[data-testid="flow-node"][data-name="db.query"]').hover();
  await expect(page.locator('[data-testid="flow-node"][data-name="auth"]')).toHaveAttribute('opacity', '0.35');
  await expect(page.locator('[data-testid="flow-node"][data-name="load_cart"]')).toHaveAttribute('opacity', '1');
  await expect(page.locator('[data-testid="flow-node"][data-name="handle"]')).toHaveAttribute('opacity', '1');

  await page.locator('[data-testid="flow-node"][data-name="db.query"]').click();
  const calls = page.getByTestId('node-calls');
  await expect(calls.getByRole('button')).toHaveCount(3); // two calls + close
  await calls.getByRole('button').nth(1).click();
  await expect(page.getByTestId('span-detail').getByTestId('detail-name')).toHaveText('db.query');

  // Zoom and pan change the graph's transform.
  const layer = page.locator('[data-testid="flow-graph"] svg > g');
  const before = await layer.getAttribute('transform');
  await page.locator('[data-testid="flow-graph"] svg').hover({ position: { x: 50, y: 50 } });
  await page.mouse.wheel(0, -300);
  await expect.poll(() => layer.getAttribute('transform')).not.toBe(before);
});

test('a trace view follows the trace live', async ({ guarded: page, sender }) => {
  const service = uniqueService('tracelive');
  const t = traceId();
  const now = Date.now();
  const root: SpanRecord = { traceId: t, spanId: 'a'.repeat(15) + '1', parentSpanId: null, service, name: 'pipeline', kind: 'workflow', startTime: now };
  await sender.send([root]);
  await page.goto(`/traces/${t}`);
  await expect(page.getByTestId('waterfall-row')).toHaveCount(1);
  await sender.send([call({ traceId: t, service, parentSpanId: root.spanId, name: 'step_one' }, now + 5, 10)]);
  await expect(page.getByTestId('waterfall-row')).toHaveCount(2);
  await sender.send([{ ...root, endTime: now + 50, status: 'ok' }]);
  await expect(page.getByTestId('waterfall-row').first()).toContainText('50 ms');
});
