import { expect, test, uniqueService } from './support/fixtures';
import { call, spanId, traceId } from './support/spans';

test('costs: significant digits below a cent, and roll-ups with unpriced calls marked partial', async ({ guarded: page, sender }) => {
  const service = uniqueService('costs');
  const now = Date.now();
  const llm = (trace: string, parent: string, model: string, input: number, output: number, at: number) =>
    call({ traceId: trace, parentSpanId: parent, service, name: `chat ${model}`, kind: 'llm', sessionId: `sess-${service}`, attributes: { 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output } }, at, 5);

  // A cheap call: 10 input tokens of gpt-4o-mini = $0.0000015, once shown as $0.0000.
  const cheap = traceId();
  const cheapRoot = spanId();
  // A session where one call names a model the price table does not know.
  const mixed = traceId();
  const mixedRoot = spanId();
  const unpriced = llm(mixed, mixedRoot, 'in-house-model-7', 5000, 500, now + 2);
  await sender.send([
    call({ traceId: cheap, spanId: cheapRoot, service, name: 'cheap_turn', sessionId: `cheap-${service}` }, now - 100, 20),
    { ...llm(cheap, cheapRoot, 'gpt-4o-mini', 10, 0, now - 99), sessionId: `cheap-${service}` },
    call({ traceId: mixed, spanId: mixedRoot, service, name: 'mixed_turn', sessionId: `sess-${service}` }, now, 20),
    llm(mixed, mixedRoot, 'claude-opus-4-6', 1000, 100, now + 1),
    unpriced,
  ]);

  await page.goto(`/traces?service=${service}`);
  const rows = page.getByTestId('trace-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'cheap_turn' })).toContainText('$0.0000015');
  const mixedRow = rows.filter({ hasText: 'mixed_turn' });
  await expect(mixedRow).toContainText('$0.0075+ partial');
  await expect(mixedRow.locator('td[title*="1 call without a price"]')).toHaveCount(1);

  await page.goto(`/traces/${mixed}?span=${unpriced.spanId}`);
  await expect(page.getByTestId('span-detail')).toContainText('in-house-model-7 · 5000 in · 500 out · no price for this model');

  await page.goto(`/traces?service=${service}`);
  await page.getByRole('link', { name: /Sessions/ }).click();
  await expect(page.getByTestId('session-row').filter({ hasText: `sess-${service}` })).toContainText('partial');
  await expect(page.getByTestId('session-row').filter({ hasText: `cheap-${service}` })).not.toContainText('partial');
});
