import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

/** An LLM span as an SDK sends it: GenAI attributes, no cost (the hub prices it). */
function llmSpan(traceId: string, parentSpanId: string | null, model: string, input: number, output: number, extra: Record<string, unknown> = {}) {
  return spanRecord({
    traceId,
    parentSpanId,
    kind: 'llm',
    name: `chat ${model}`,
    service: 'agent',
    sessionId: 'session-cost',
    attributes: { 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, ...extra },
  });
}

describe('LLM cost at ingest, rolled up per trace, session and service', () => {
  let hub: TestHub;
  let dataDir: string;
  const traceId = hexId(32);
  const rootId = hexId(16);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rh-cost-'));
    // The user's override: a private model and a changed price.
    writeFileSync(join(dataDir, 'prices.json'), JSON.stringify({ models: { 'acme-large': { input: 4, output: 8 } } }));
    hub = await startTestHub({ dataDir });
    const reply = await postSpans(hub.url, [
      spanRecord({ traceId, spanId: rootId, name: 'run', kind: 'agent', service: 'agent', sessionId: 'session-cost' }),
      llmSpan(traceId, rootId, 'gpt-4o-2024-08-06', 1000, 100, { 'gen_ai.usage.cache_read.input_tokens': 400 }),
      llmSpan(traceId, rootId, 'claude-3-5-haiku-20241022', 2000, 500),
      llmSpan(traceId, rootId, 'acme-large', 1_000_000, 0),
      llmSpan(traceId, rootId, 'mystery-model', 300, 30),
    ]);
    expect(await reply.json()).toEqual({ accepted: 5, rejected: [] });
  });
  afterAll(async () => {
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const gpt4o = (600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6;
  const haiku = (2000 * 0.8 + 500 * 4) / 1e6;
  const acme = 4;

  it('prices every llm span with a known model and leaves unknown models without cost', async () => {
    const { spans } = (await (await fetch(`${hub.url}/api/v1/traces/${traceId}`)).json()) as { spans: Span[] };
    const usage = Object.fromEntries(spans.filter((s) => s.kind === 'llm').map((s) => [s.usage!.model, s.usage]));
    expect(usage['gpt-4o-2024-08-06']).toEqual({ model: 'gpt-4o-2024-08-06', inputTokens: 1000, outputTokens: 100, costUsd: gpt4o });
    expect(usage['claude-3-5-haiku-20241022']!.costUsd).toBeCloseTo(haiku, 10);
    expect(usage['acme-large']!.costUsd).toBe(acme);
    expect(usage['mystery-model']).toEqual({ model: 'mystery-model', inputTokens: 300, outputTokens: 30 });
  });

  it('sums tokens and cost per trace and per session', async () => {
    const { traces } = (await (await fetch(`${hub.url}/api/v1/traces?service=agent`)).json()) as {
      traces: { traceId: string; usage: { inputTokens: number; outputTokens: number; costUsd: number | null; unpricedCalls: number; costPartial: boolean } }[];
    };
    const trace = traces.find((t) => t.traceId === traceId)!;
    // mystery-model has tokens but no price: the sum is a part of the real cost, and says so.
    expect(trace.usage).toMatchObject({ unpricedCalls: 1, costPartial: true });
    expect(trace.usage.inputTokens).toBe(1000 + 2000 + 1_000_000 + 300);
    expect(trace.usage.outputTokens).toBe(100 + 500 + 0 + 30);
    expect(trace.usage.costUsd).toBeCloseTo(gpt4o + haiku + acme, 8);

    const { sessions } = (await (await fetch(`${hub.url}/api/v1/sessions`)).json()) as {
      sessions: { sessionId: string; usage: { costUsd: number | null; costPartial: boolean } }[];
    };
    expect(sessions.find((s) => s.sessionId === 'session-cost')!.usage.costUsd).toBeCloseTo(gpt4o + haiku + acme, 8);
    expect(sessions.find((s) => s.sessionId === 'session-cost')!.usage.costPartial).toBe(true);
  });

  it('marks a roll-up complete when every call with tokens has a price', async () => {
    const priced = hexId(32);
    await postSpans(hub.url, [{ ...llmSpan(priced, null, 'claude-opus-4-6', 1000, 100), service: 'priced', sessionId: 'session-priced' }]);
    const { traces } = (await (await fetch(`${hub.url}/api/v1/traces?service=priced`)).json()) as {
      traces: { traceId: string; usage: { costUsd: number | null; unpricedCalls: number; costPartial: boolean } }[];
    };
    // claude-opus-4-6: 5 USD in, 25 USD out per million tokens.
    expect(traces.find((t) => t.traceId === priced)!.usage).toEqual(expect.objectContaining({ costUsd: (1000 * 5 + 100 * 25) / 1e6, unpricedCalls: 0, costPartial: false }));
  });

  it('sums tokens and cost per service in the services list', async () => {
    await postSpans(hub.url, [spanRecord({ service: 'no-llm' })]);
    const { services } = (await (await fetch(`${hub.url}/api/v1/services`)).json()) as {
      services: { service: string; usage: { inputTokens: number; outputTokens: number; costUsd: number | null; unpricedCalls: number; costPartial: boolean } }[];
    };
    const agent = services.find((s) => s.service === 'agent')!;
    expect(agent.usage.inputTokens).toBe(1000 + 2000 + 1_000_000 + 300);
    expect(agent.usage.costUsd).toBeCloseTo(gpt4o + haiku + acme, 8);
    expect(agent.usage).toMatchObject({ unpricedCalls: 1, costPartial: true });
    expect(services.find((s) => s.service === 'no-llm')!.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: null, unpricedCalls: 0, costPartial: false });
  });
});
