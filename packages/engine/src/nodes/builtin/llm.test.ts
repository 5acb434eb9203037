import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialLlmClients } from '../../adapters/llm-clients.js';
import { testEngine } from '../../testing/harness.js';
import { startLlmTestServer } from '../../testing/llm-test-server.js';
import type { LlmTestServer } from '../../testing/llm-test-server.js';

let llm: LlmTestServer;
beforeAll(async () => {
  llm = await startLlmTestServer();
});
afterAll(() => llm.close());

function workflow(config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: 'ask',
    name: 'Ask',
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'ask', type: 'llm', name: 'Ask the model', config: { model: 'test-model', apiKey: '{{ secrets.LLM_KEY }}', prompt: 'Summarize: {{ trigger.body.text }}', ...config }, ...extra },
    ],
    edges: [{ source: 'start', target: 'ask' }],
  };
}

const secrets = { values: () => ({ LLM_KEY: 'sk-test-key-123456' }) };

describe('llm node', () => {
  it('calls an OpenAI-compatible server through the official client; tokens go on the span', async () => {
    const t = await testEngine([workflow({ baseUrl: llm.openaiBaseUrl, system: 'Be brief.', temperature: 0.2 })], { llm: officialLlmClients(), secrets });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'ask', trigger: { type: 'manual', body: { text: 'the hub' } } });
    const done = await t.engine.waitForRun(run.id);
    expect(done.output).toMatchObject({ text: 'echo: Summarize: the hub', model: 'test-model', finishReason: 'stop' });
    const request = llm.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer sk-test-key-123456');
    expect(request.body).toMatchObject({ model: 'test-model', temperature: 0.2, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Summarize: the hub' }] });
    const span = t.spans.find((s) => s.name === 'Ask the model' && s.endTime !== undefined)!;
    expect(span.attributes).toMatchObject({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'test-model', 'gen_ai.response.model': 'test-model' });
    expect(span.attributes?.['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(span.attributes?.['gen_ai.usage.output_tokens']).toBe(4);
    expect(JSON.stringify(t.spans)).not.toContain('sk-test-key-123456');
  });

  it('speaks Anthropic messages and parses JSON answers', async () => {
    const t = await testEngine([workflow({ provider: 'anthropic', baseUrl: llm.anthropicBaseUrl, json: true })], { llm: officialLlmClients(), secrets });
    const done = await t.engine.waitForRun((await t.engine.startRun({ project: 'demo', workflow: 'ask', trigger: { type: 'manual', body: { text: 'x' } } })).id);
    expect(done.output).toMatchObject({ json: { echo: 'Summarize: x' }, finishReason: 'end_turn', usage: { outputTokens: 2 } });
    const request = llm.requests.at(-1)!;
    expect(request.path).toBe('/v1/messages');
    expect(JSON.stringify([request.headers['x-api-key'], request.headers.authorization])).toContain('sk-test-key-123456');
  });

  it('retries a 429 by the node policy, and fails at once on a 401', async () => {
    const t = await testEngine([workflow({ baseUrl: llm.openaiBaseUrl }, { retry: { maxRetries: 2, initialBackoffMs: 10, jitter: 0 } })], { llm: officialLlmClients(), secrets });
    llm.failNext(2, 429);
    const before = llm.requests.length;
    const run = await t.engine.startRun({ project: 'demo', workflow: 'ask', trigger: { type: 'manual', body: { text: 'y' } } });
    for (let i = 0; i < 20 && llm.requests.length < before + 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await t.clock.advance(10);
    }
    expect((await t.engine.waitForRun(run.id)).status).toBe('succeeded');
    expect(llm.requests.length - before).toBe(3);

    llm.failNext(1, 401);
    const denied = await t.engine.startRun({ project: 'demo', workflow: 'ask', trigger: { type: 'manual', body: { text: 'z' } } });
    const failed = await t.engine.waitForRun(denied.id);
    expect(failed.error).toMatchObject({ code: 'LLM_ERROR', status: 401, nodeId: 'ask' });
  });
});
