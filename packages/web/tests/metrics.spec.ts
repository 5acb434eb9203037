import { expect, test, uniqueService } from './support/fixtures';
import { call, traceId } from './support/spans';

test('metrics: totals, top slow and failing functions, cost leaders, and the spans behind a row and a chart point', async ({ guarded: page, sender }) => {
  const service = uniqueService('metrics');
  const now = Date.now() - 60_000;
  const spans = [];
  for (let i = 0; i < 20; i++) spans.push(call({ traceId: traceId(), service, name: 'fast_lookup' }, now + i, 10));
  for (let i = 0; i < 10; i++) spans.push(call({ traceId: traceId(), service, name: 'slow_report', status: i < 3 ? 'error' : 'ok', ...(i < 3 ? { error: { type: 'TimeoutError', message: 'report took too long' } } : {}) }, now + i, 800));
  for (let i = 0; i < 4; i++) {
    spans.push(call({ traceId: traceId(), service, name: 'chat gpt-4o-mini', kind: 'llm', attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200 } }, now + i, 50));
  }
  await sender.send(spans);

  await page.goto(`/analytics?service=${service}&range=1h`);
  await expect(page.getByTestId('stat-calls')).toContainText('34');
  await expect(page.getByTestId('stat-error-rate')).toContainText('8.8%');
  await expect(page.getByTestId('top-slow').getByTestId('breakdown-row').first()).toContainText('slow_report');
  const failing = page.getByTestId('top-failing').getByTestId('breakdown-row');
  await expect(failing).toHaveCount(1);
  await expect(failing).toContainText('30%');
  await expect(page.getByTestId('cost-leaders')).toContainText('gpt-4o-mini');
  await expect(page.getByTestId('chart-calls').locator('canvas')).toHaveCount(1);

  // The spans behind a row: the failed calls of slow_report, each opening its span page.
  await failing.getByRole('button', { name: 'spans' }).click();
  const behind = page.getByTestId('spans-behind').getByTestId('behind-row');
  await expect(behind).toHaveCount(3);
  await expect(behind.first()).toContainText('slow_report');

  // A function narrows the charts to it; a point of the chart lists its calls.
  await page.getByTestId('top-slow').getByRole('button', { name: 'slow_report' }).click();
  await expect(page).toHaveURL(/fn=slow_report/);
  await expect(page.getByTestId('stat-calls')).toContainText('10');
  const chart = page.getByTestId('chart-calls').locator('.u-over');
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('spans-behind').getByTestId('behind-row').first()).toContainText('slow_report');
  await page.getByTestId('spans-behind').getByRole('link', { name: 'slow_report' }).first().click();
  await expect(page).toHaveURL(/\/spans\/[0-9a-f]{16}/);
});
