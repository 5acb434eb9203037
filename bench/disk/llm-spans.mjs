// LLM-shaped span records: an agent run (root) with four chat calls, each carrying the system
// prompt, a conversation of 2–6 turns and the model's reply, with GenAI usage attributes. The text
// is drawn from a vocabulary with a fixed seed, so every run sends the same bytes.
const VOCABULARY = (
  'the a to of and in for is on that with as it be are this by from or at your can we will an not have ' +
  'order orders invoice refund customer account shipping delivery address payment card charge charged twice ' +
  'please thanks help need want check status update cancel return policy days within business support ticket ' +
  'product price discount code coupon error failed timeout retry again later today tomorrow week month ' +
  'summary summarise list table region quarter revenue growth total average report numbers figures ' +
  'user assistant tool call function search database query result results found none one two three ' +
  'I you it they we sorry sure certainly here is are was were has had do does did could would should'
).split(' ');

const SYSTEM = 'You are Ada, the support assistant of Acme Outdoor. Answer in a friendly, concise tone. ' +
  'Use the tools to look up orders, invoices and shipping before you answer; never guess an order status. ' +
  'If the customer asks for a refund over 200 EUR, hand over to a human agent and say so. Reply in the customer\'s language.';

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sentence(next, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(VOCABULARY[Math.floor(next() * VOCABULARY.length)]);
  out[0] = out[0][0].toUpperCase() + out[0].slice(1);
  return `${out.join(' ')}.`;
}

const hex = (next, bytes) => Array.from({ length: bytes }, () => Math.floor(next() * 256).toString(16).padStart(2, '0')).join('');

/** `count` records in traces of five: an agent run and four chat calls. */
export function makeLlmSpans(count, now = Date.now(), seed = 42) {
  const next = random(seed);
  const records = [];
  let traceId = '';
  let rootId = '';
  for (let i = 0; i < count; i++) {
    const start = now + i * 3;
    if (i % 5 === 0) {
      traceId = hex(next, 16);
      rootId = hex(next, 8);
      records.push({
        traceId, spanId: rootId, parentSpanId: null, service: 'support-agent', name: 'agent.run', kind: 'agent',
        startTime: start, endTime: start + 2_400, status: 'ok',
        input: { task: sentence(next, 14) }, output: { answer: sentence(next, 30) },
        attributes: { 'agent.name': 'ada', 'session.id': `s-${Math.floor(i / 50)}` },
      });
      continue;
    }
    const turns = 2 + Math.floor(next() * 5);
    const messages = [{ role: 'system', content: SYSTEM }];
    for (let t = 0; t < turns; t++) messages.push({ role: t % 2 ? 'assistant' : 'user', content: Array.from({ length: 1 + Math.floor(next() * 3) }, () => sentence(next, 8 + Math.floor(next() * 16))).join(' ') });
    const inputTokens = 120 + Math.floor(next() * 900);
    const outputTokens = 20 + Math.floor(next() * 300);
    records.push({
      traceId, spanId: hex(next, 8), parentSpanId: rootId, service: 'support-agent', name: 'chat gpt-4o-mini', kind: 'llm',
      startTime: start, endTime: start + 300 + Math.floor(next() * 1_500), status: 'ok',
      input: { messages }, output: { role: 'assistant', content: Array.from({ length: 2 }, () => sentence(next, 12 + Math.floor(next() * 20))).join(' ') },
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': inputTokens, 'gen_ai.usage.output_tokens': outputTokens, 'gen_ai.request.temperature': 0.2 },
    });
  }
  return records;
}
