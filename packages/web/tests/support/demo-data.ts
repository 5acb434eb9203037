import { call, PYTHON_FRAMES, PYTHON_STACK, Sender, spanId, traceId, type SpanRecord } from './spans';

/**
 * A realistic little world for screenshots and manual checks: a Python shop API with nested
 * calls and an occasional failure, a TypeScript frontend, and an LLM support agent with tools.
 */
export async function sendDemoData(url: string, now = Date.now()): Promise<{ checkoutTrace: string; agentTrace: string; errorSpan: string; runningSpan: string }> {
  const sender = new Sender(url);
  await sender.heartbeat('checkout-api', 'python');
  await sender.heartbeat('web-frontend', 'typescript');
  await sender.heartbeat('support-agent', 'python');
  const spans: SpanRecord[] = [];
  let checkoutTrace = '';
  let errorSpan = '';

  for (let i = 0; i < 40; i++) {
    const t = traceId();
    const start = now - (40 - i) * 9000;
    const fails = i % 9 === 4;
    const root = call({ traceId: t, service: 'checkout-api', name: 'POST /orders', kind: 'http', sessionId: `user-${100 + (i % 5)}`, input: { method: 'POST', path: '/orders', body: { cart: `c-${i}`, coupon: i % 3 ? null : 'WELCOME10' } }, output: { status: fails ? 500 : 201 }, status: fails ? 'error' : 'ok' }, start, 180 + (i % 7) * 23);
    const place = call({ traceId: t, parentSpanId: root.spanId, service: 'checkout-api', name: 'shop.checkout.place_order', input: { cart_id: `c-${i}`, user: { id: 100 + (i % 5), email: `user${i % 5}@example.com` } }, output: fails ? undefined : { order_id: `o-${5000 + i}`, total: 41.5 + i }, status: fails ? 'error' : 'ok' }, start + 4, 160 + (i % 7) * 20);
    const price = call({ traceId: t, parentSpanId: place.spanId, service: 'checkout-api', name: 'shop.pricing.price_cart', input: { items: [{ sku: 'TEA-01', price: 12.5, qty: 2 }, { sku: 'MUG-07', price: fails ? -3 : 16.5, qty: 1 }] }, output: fails ? undefined : 41.5 + i, status: fails ? 'error' : 'ok' }, start + 6, 8 + (i % 4));
    if (fails) {
      const error = { type: 'ValueError', message: 'price must not be negative', stack: PYTHON_STACK, frames: PYTHON_FRAMES };
      price.error = error;
      place.error = error;
      root.error = { type: 'HTTPError', message: '500 Internal Server Error' };
      errorSpan = price.spanId;
    }
    spans.push(root, place, price);
    if (!fails) {
      const stock = call({ traceId: t, parentSpanId: place.spanId, service: 'checkout-api', name: 'shop.inventory.reserve_stock', input: { skus: ['TEA-01', 'MUG-07'] }, output: { reserved: true } }, start + 16, 30 + (i % 5) * 4);
      spans.push(stock);
      for (let q = 0; q < 2; q++) spans.push(call({ traceId: t, parentSpanId: stock.spanId, service: 'checkout-api', name: 'db.query', kind: 'internal', input: { sql: 'UPDATE stock SET reserved = reserved + ? WHERE sku = ?', params: [1, q ? 'MUG-07' : 'TEA-01'] }, output: { rows: 1 } }, start + 18 + q * 12, 9));
      const charge = call({ traceId: t, parentSpanId: place.spanId, service: 'checkout-api', name: 'payments.charge_card', kind: 'http', input: { amount: 41.5 + i, currency: 'EUR', card: '**** 4242' }, output: { charge_id: `ch_${i}`, approved: true } }, start + 52, 90 + (i % 6) * 10);
      spans.push(charge, call({ traceId: t, parentSpanId: place.spanId, service: 'checkout-api', name: 'shop.mail.send_receipt', input: { to: `user${i % 5}@example.com` }, output: { queued: true } }, start + 150 + (i % 6) * 10, 12));
      checkoutTrace = t;
    }
    const ft = traceId();
    spans.push(call({ traceId: ft, service: 'web-frontend', name: 'render CartPage', kind: 'function', input: { route: '/cart', items: 2 }, output: { ms: 14 } }, start - 300, 14 + (i % 5)));
  }

  const agent = traceId();
  const start = now - 60_000;
  const run = call({ traceId: agent, service: 'support-agent', name: 'answer_ticket', kind: 'agent', sessionId: 'ticket-8812', input: { ticket: 8812, question: 'Where is my order o-5011?' }, output: { answer: 'Your order o-5011 shipped yesterday and arrives Thursday.' } }, start, 6400);
  const llm1 = call({ traceId: agent, parentSpanId: run.spanId, service: 'support-agent', name: 'chat gpt-4o', kind: 'llm', input: { messages: [{ role: 'system', content: 'You are a helpful support agent.' }, { role: 'user', content: 'Where is my order o-5011?' }] }, output: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: 'o-5011' } }] }, attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 412, 'gen_ai.usage.output_tokens': 38 } }, start + 20, 1900);
  const tool = call({ traceId: agent, parentSpanId: run.spanId, service: 'support-agent', name: 'lookup_order', kind: 'tool', input: { order_id: 'o-5011' }, output: { status: 'shipped', carrier: 'DHL', eta: 'Thursday' } }, start + 1950, 240);
  const llm2 = call({ traceId: agent, parentSpanId: run.spanId, service: 'support-agent', name: 'chat gpt-4o', kind: 'llm', input: { messages: [{ role: 'tool', content: '{"status":"shipped","eta":"Thursday"}' }] }, output: { content: 'Your order o-5011 shipped yesterday and arrives Thursday.' }, attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 530, 'gen_ai.usage.output_tokens': 21 } }, start + 2200, 4100);
  spans.push(run, llm1, tool, llm2);

  const runningTrace = traceId();
  const running: SpanRecord = { traceId: runningTrace, spanId: spanId(), parentSpanId: null, service: 'checkout-api', name: 'jobs.nightly_report', kind: 'function', startTime: now - 4000, input: { date: '2026-11-20' } };
  spans.push(running);

  for (let i = 0; i < spans.length; i += 200) await sender.send(spans.slice(i, i + 200));
  return { checkoutTrace, agentTrace: agent, errorSpan, runningSpan: running.spanId };
}
