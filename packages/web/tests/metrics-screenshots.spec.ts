import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';
import { call, Sender, traceId, type SpanRecord } from './support/spans';

/** docs/screenshots/metrics.png and alerts.png from an hour of made-up traffic: `npx playwright test tests/metrics-screenshots.spec.ts --project screenshots`. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/** A deterministic hour: a checkout API with a slow, sometimes failing payment call, a search worker, an agent's LLM calls. */
function anHour(now: number): SpanRecord[] {
  const spans: SpanRecord[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  for (let minute = 60; minute >= 1; minute--) {
    const at = now - minute * 60_000;
    const busy = 1 + Math.sin(minute / 9) * 0.5;
    const incident = minute <= 22 && minute >= 14;
    for (let i = 0; i < 12 * busy; i++) spans.push(call({ traceId: traceId(), service: 'checkout-api', name: 'GET /cart' }, at + i * 900, 8 + random() * 20));
    for (let i = 0; i < 4 * busy; i++) {
      const failed = random() < (incident ? 0.35 : 0.02);
      spans.push(call({ traceId: traceId(), service: 'checkout-api', name: 'charge_card', status: failed ? 'error' : 'ok', ...(failed ? { error: { type: 'GatewayTimeout', message: 'payment gateway did not answer in 5 s' } } : {}) }, at + i * 2000, (incident ? 900 : 180) + random() * 400));
    }
    for (let i = 0; i < 6; i++) spans.push(call({ traceId: traceId(), service: 'search-worker', name: 'rank_results' }, at + i * 3000, 40 + random() * 60));
    for (let i = 0; i < 2; i++) {
      const model = i === 0 ? 'gpt-4o' : 'claude-sonnet-4';
      spans.push(call({ traceId: traceId(), service: 'support-agent', name: `chat ${model}`, kind: 'llm', attributes: { 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': 1500 + Math.round(random() * 3000), 'gen_ai.usage.output_tokens': 200 + Math.round(random() * 600) } }, at + i * 7000, 1200 + random() * 2500));
    }
  }
  return spans;
}

test('screenshots of the Metrics and Alerts views', async ({ page, hub }) => {
  test.setTimeout(120_000);
  const sender = new Sender(hub.url);
  const spans = anHour(Date.now());
  for (let i = 0; i < spans.length; i += 500) await sender.send(spans.slice(i, i + 500));

  // Tall enough for the charts and every table (the view scrolls inside the shell).
  await page.setViewportSize({ width: 1440, height: 1180 });
  await page.goto('/analytics?range=1h');
  await expect(page.getByTestId('top-slow').getByTestId('breakdown-row').first()).toBeVisible();
  await expect(page.getByTestId('cost-leaders').getByTestId('breakdown-row')).toHaveCount(2);
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${OUT}metrics.png` });
  await page.setViewportSize({ width: 1440, height: 900 });

  const rule = (name: string, condition: Record<string, unknown>) =>
    fetch(`${hub.url}/api/v1/alerts/rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, condition, email: ['oncall@example.com'] }) });
  await rule('Payments failing', { type: 'error_rate', service: 'checkout-api', name: 'charge_card', thresholdPct: 5, windowMinutes: 15 });
  await rule('Agent budget', { type: 'cost_per_hour', service: 'support-agent', budgetUsd: 5 });
  await rule('Nightly import', { type: 'workflow_failed', project: 'etl', workflow: 'nightly-import' });
  const run = (status: 'ok' | 'error', id: string) =>
    call({ traceId: traceId(), service: 'etl', name: 'nightly-import', kind: 'workflow', status, attributes: { 'workflow.run.id': id, 'workflow.run.status': status === 'ok' ? 'succeeded' : 'failed' }, ...(status === 'error' ? { error: { type: 'HTTP_STATUS', message: 'GET https://erp.example.com/export answered 503' } } : {}) }, Date.now(), 40_000);
  await sender.send([run('error', 'run_41')]);
  await sender.send([run('ok', 'run_42')]);
  await sender.send([run('error', 'run_43')]);
  await page.goto('/alerts');
  // The error-rate rule fires at the hub's next evaluation (every 15 s).
  await expect(page.getByTestId('firing-alert')).toHaveCount(2, { timeout: 40_000 });
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${OUT}alerts.png` });
});
