// The spans both metrics benches count: `total` spans spread evenly over the `days` before now,
// 4 services × `functions` functions, every tenth an LLM call of one of 3 models with tokens and
// cost, 1 in 97 failing, durations from 0.5 ms to seconds with a slow tail.
const HOUR = 3_600_000;
const SERVICES = ['checkout-api', 'search-worker', 'billing', 'agent-runner'];
const MODELS = [
  ['gpt-4o', 2.5e-6, 1e-5],
  ['gpt-4o-mini', 1.5e-7, 6e-7],
  ['claude-sonnet-4', 3e-6, 1.5e-5],
];

/** Returns `spanAt(i)`, the i-th span (0 ≤ i < total). */
export function metricsSpans({ total, days, functions }) {
  const end = Date.now();
  const start = end - days * 24 * HOUR;
  const spacing = (end - start) / total;
  return (i) => {
    const startTime = start + i * spacing;
    const llm = i % 10 === 9;
    const model = llm ? MODELS[i % 3] : undefined;
    const duration = llm ? 400 + (i % 4000) : 0.5 + ((i * 7919) % 200) * (i % 50 === 0 ? 20 : 1);
    const inputTokens = llm ? 200 + (i % 1500) : undefined;
    const outputTokens = llm ? 50 + (i % 400) : undefined;
    return {
      spanId: (i + 1).toString(16).padStart(16, '0'),
      traceId: (Math.floor(i / 10) + 1).toString(16).padStart(32, '0'),
      service: SERVICES[Math.floor(i / 10) % SERVICES.length],
      name: llm ? 'chat' : `fn_${i % functions}`,
      kind: llm ? 'llm' : 'function',
      startTime,
      endTime: startTime + duration,
      status: i % 97 === 0 ? 'error' : 'ok',
      usage: llm ? { model: model[0], inputTokens, outputTokens, costUsd: inputTokens * model[1] + outputTokens * model[2] } : undefined,
    };
  };
}
