import { expect, test, uniqueService } from './support/fixtures';
import { call, spanId, traceId } from './support/spans';

/**
 * Replay in the dashboard (docs/replay.md), in a real browser against a real hub: the branch bar
 * on a recorded trace and on its replay, the Replay section of a call, "Re-invoke" against an app
 * polling the hub's channel (the Python SDK's side of it runs for real in
 * sdk/python/tests/integration/test_invoke.py; here the test plays the app over the same HTTP
 * protocol), and the generated test file. Spans are shaped as the Python SDK records them.
 */
const hostile = '<img src=x onerror=alert(1)>';

test('a recorded trace lists its replays and a replay links back, each with its comparison link', async ({ guarded: page, sender }) => {
  const service = uniqueService('replay');
  const recorded = traceId();
  const branch = traceId();
  const now = Date.now();
  const root = call({ traceId: recorded, service, name: 'main' }, now - 9000, 500);
  const checkpoint = call({ traceId: recorded, service, name: 'chat gpt-4o-mini', kind: 'llm', parentSpanId: root.spanId }, now - 8800, 100);
  const branchRoot = call({ traceId: branch, service, name: 'main', attributes: { 'runtime_hub.replay.of': recorded, 'runtime_hub.replay.from_span': checkpoint.spanId } }, now - 4000, 500);
  await sender.send([root, checkpoint, branchRoot]);

  await page.goto(`/traces/${recorded}`);
  const list = page.getByTestId('branch-list');
  await expect(list).toContainText('1 replay:');
  await expect(list.getByRole('link', { name: 'compare' })).toHaveAttribute('href', `/compare/${recorded}/${branch}`);

  await page.goto(`/traces/${branch}`);
  const of = page.getByTestId('branch-of');
  await expect(of).toContainText(`from call ${checkpoint.spanId}`);
  await expect(of.getByTestId('compare-link')).toHaveAttribute('href', `/compare/${recorded}/${branch}`);
});

test('re-invoke a recorded call in the running app with edited arguments, and download its calls as tests', async ({ guarded: page, sender, baseURL }) => {
  const service = uniqueService('invoke');
  const t = traceId();
  const attributes = { 'code.function': 'price', 'code.namespace': 'shop.pricing' };
  const original = call({ traceId: t, service, name: 'price', input: { sku: 'A-1', qty: 2, note: hostile }, output: { total: 5 }, attributes }, Date.now() - 3000, 4);
  await sender.send([original]);

  // The app: offers `price` on the channel and answers one invocation (as the SDK's thread does).
  const app = (async () => {
    for (let i = 0; i < 20; i++) {
      const polled = await fetch(`${baseURL}/api/v1/invoke/poll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service, instanceId: 'browser-test', functions: ['price'], waitMs: 3000 }) });
      if (polled.status !== 200) continue;
      const { invocation } = (await polled.json()) as { invocation: { id: string; args: { qty: number; note: string } } };
      const result = { status: 'ok', traceId: traceId(), spanId: spanId(), output: { total: invocation.args.qty * 2.5, echo: invocation.args.note } };
      await fetch(`${baseURL}/api/v1/invoke/${invocation.id}/result`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) });
      return invocation;
    }
    throw new Error('no invocation came');
  })();

  await page.goto(`/spans/${original.spanId}`);
  const actions = page.getByTestId('replay-actions');
  await actions.getByText('Replay the program from this call').click();
  await expect(actions.getByTestId('replay-command')).toContainText(`runtime-hub replay ${t} --from ${original.spanId} --input edited.json`);

  await actions.getByText('Re-invoke in the running app').click();
  const args = actions.getByTestId('invoke-args');
  await expect(args).toHaveValue(/"qty": 2/);
  await args.fill(JSON.stringify({ sku: 'A-1', qty: 4, note: hostile }));
  await actions.getByTestId('invoke-run').click();
  const result = actions.getByTestId('invoke-result');
  await expect(result).toHaveAttribute('data-status', 'ok');
  await expect(result).toContainText('"total": 10');
  await expect(result).toContainText(hostile); // text, never markup
  expect((await app).args.qty).toBe(4);

  const download = page.waitForEvent('download');
  await actions.getByTestId('generate-tests-run').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('test_price_recorded.py');
  await expect(actions.getByTestId('generate-tests-note')).toContainText('1 test');
  const text = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(text as Buffer[]).toString()).toContain('from shop.pricing import price as price');
});
