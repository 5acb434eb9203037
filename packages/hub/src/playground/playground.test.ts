import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmTestServer, type LlmTestServer } from '@runtime-hub/engine/testing';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

/**
 * The prompt playground against a real hub and the local OpenAI-compatible / Anthropic test server
 * (streaming included): the answer streams as JSON lines, the run is stored as an llm span under
 * the recorded one, keys never come back.
 */
const KEY = 'sk-test-playground-0123456789abcdef';
let hub: TestHub;
let llm: LlmTestServer;
let original: Record<string, unknown>;

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const userMessage = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });

async function lines(response: Response): Promise<{ events: Record<string, unknown>[]; chunks: number }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    text += decoder.decode(value, { stream: true });
  }
  return { events: text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), chunks };
}

beforeAll(async () => {
  [hub, llm] = await Promise.all([startTestHub(), startLlmTestServer()]);
  // A recorded chat call in the GenAI message shape OTLP ingest writes (docs/otlp.md).
  original = spanRecord({
    kind: 'llm',
    name: 'chat gpt-4o-mini',
    sessionId: 'sess-1',
    input: [{ role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] }, userMessage('What is the capital of France?')],
    output: [{ role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }], finish_reason: 'stop' }],
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 7 },
  });
  expect((await postSpans(hub.url, [original])).status).toBe(200);
  const saved = await fetch(`${hub.url}/api/v1/playground/keys/local`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: KEY, baseUrl: llm.openaiBaseUrl }) });
  expect(saved.status).toBe(200);
  expect(await saved.text()).not.toContain(KEY);
});

afterAll(async () => {
  await Promise.all([hub?.close(), llm?.close()]);
});

describe('POST /api/v1/playground/runs', () => {
  it('streams the answer of an edited call as JSON lines and stores it as an llm span under the original', async () => {
    const response = await fetch(
      `${hub.url}/api/v1/playground/runs`,
      json({
        spanId: original.spanId,
        provider: 'openai-compatible',
        baseUrl: llm.openaiBaseUrl,
        keyName: 'local',
        model: 'test-model',
        messages: [{ role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] }, userMessage('What is the capital of {{country}}? Answer in one word please')],
        variables: { country: 'Italy' },
        parameters: { temperature: 0.2, maxTokens: 50 },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const { events } = await lines(response);
    expect(events[0]).toMatchObject({ type: 'start', traceId: original.traceId });
    const deltas = events.filter((e) => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(3); // one word per server event, passed on as they come
    const answer = 'echo: What is the capital of Italy? Answer in one word please';
    expect(deltas.map((d) => d.text).join('')).toBe(answer);
    const done = events.at(-1) as { type: string; run: Record<string, unknown> };
    expect(done.type).toBe('done');
    expect(done.run).toMatchObject({ status: 'ok', text: answer, originalSpanId: original.spanId, inputTokens: expect.any(Number), outputTokens: 12, unresolvedVariables: [] });
    expect(done.run.latencyMs).toBeGreaterThanOrEqual(0);

    // The provider got the substituted prompt, the parameters, streaming, and the saved key.
    const sent = llm.requests.at(-1)!;
    expect(sent.body).toMatchObject({ model: 'test-model', stream: true, temperature: 0.2, max_tokens: 50 });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);

    const listed = (await (await fetch(`${hub.url}/api/v1/playground/runs?spanId=${String(original.spanId)}`)).json()) as { runs: Record<string, unknown>[] };
    expect(listed.runs).toHaveLength(1);
    const span = listed.runs[0]!;
    expect(span).toMatchObject({ spanId: done.run.spanId, parentSpanId: original.spanId, traceId: original.traceId, sessionId: 'sess-1', kind: 'llm', status: 'ok' });
    expect(span.attributes).toMatchObject({ 'playground.original_span_id': original.spanId, 'gen_ai.request.model': 'test-model', 'gen_ai.request.temperature': 0.2 });
    expect(span.output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }]);
    expect(JSON.stringify(span)).not.toContain(KEY);
  });

  it('answers without streaming too, and streams from Anthropic through @anthropic-ai/sdk', async () => {
    await fetch(`${hub.url}/api/v1/playground/keys/claude`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: KEY, baseUrl: llm.anthropicBaseUrl }) });
    const base = { spanId: original.spanId, messages: [userMessage('hello there')] };
    const plain = await fetch(`${hub.url}/api/v1/playground/runs`, json({ ...base, provider: 'openai-compatible', baseUrl: llm.openaiBaseUrl, keyName: 'local', model: 'm1', stream: false }));
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { run: { text: string } }).run.text).toBe('echo: hello there');

    const claude = await fetch(`${hub.url}/api/v1/playground/runs`, json({ ...base, provider: 'anthropic', baseUrl: llm.anthropicBaseUrl, keyName: 'claude', model: 'claude-test' }));
    const { events } = await lines(claude);
    expect(events.filter((e) => e.type === 'delta').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: 'done', run: { status: 'ok', text: 'echo: hello there', provider: 'anthropic', inputTokens: expect.any(Number), outputTokens: 3 } });
    expect(llm.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`); // @anthropic-ai/sdk 1.x sends the key as a bearer token
  });

  it('a provider failure is a 502 LLM_ERROR without the key, and the failed run is still stored', async () => {
    llm.failNext(1, 401);
    const response = await fetch(`${hub.url}/api/v1/playground/runs`, json({ spanId: original.spanId, provider: 'openai-compatible', baseUrl: llm.openaiBaseUrl, keyName: 'local', model: 'm-fail', messages: [userMessage('x')] }));
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain(KEY);
    const body = JSON.parse(text) as { error: { code: string; message: string; details: { run: { spanId: string } } } };
    expect(body.error.code).toBe('LLM_ERROR');
    expect(body.error.message).toContain('401');
    const span = (await (await fetch(`${hub.url}/api/v1/spans/${body.error.details.run.spanId}`)).json()) as { span?: { status: string }; status?: string };
    expect((span.span ?? span).status).toBe('error');
  });

  it('a key goes only to the server it was saved for; keys are listed by name, stored encrypted', async () => {
    const elsewhere = await fetch(`${hub.url}/api/v1/playground/runs`, json({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', keyName: 'local', model: 'm', messages: [userMessage('x')] }));
    expect(elsewhere.status).toBe(400);
    const refused = (await elsewhere.json()) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('PLAYGROUND_KEY_MISSING');
    expect(JSON.stringify(refused)).not.toContain(KEY);

    const missing = await fetch(`${hub.url}/api/v1/playground/runs`, json({ provider: 'openai', model: 'gpt-4o', keyName: 'nope', messages: [userMessage('x')] }));
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('PLAYGROUND_KEY_MISSING');

    const listed = await (await fetch(`${hub.url}/api/v1/playground/keys`)).text();
    expect(listed).toContain('"local"');
    expect(listed).not.toContain(KEY);
    expect(readFileSync(join(hub.dataDir, 'playground-keys.json'), 'utf8')).not.toContain(KEY);
  });

  it('bad input gets a 4xx that says where; the hub keeps answering', async () => {
    const cases: [unknown, number, string][] = [
      [{ provider: 'cohere', model: 'm', messages: [userMessage('x')] }, 400, 'provider'],
      [{ provider: 'openai-compatible', model: 'm', messages: [userMessage('x')] }, 400, 'baseUrl'],
      [{ provider: 'openai', model: 'm', messages: [] }, 400, 'messages'],
      [{ provider: 'openai-compatible', baseUrl: 'file:///etc/passwd', model: 'm', messages: [userMessage('x')] }, 400, 'baseUrl'],
      [{ spanId: hexId(16), provider: 'openai-compatible', baseUrl: llm.openaiBaseUrl, model: 'm', messages: [userMessage('x')] }, 404, 'spanId'],
    ];
    for (const [body, status, where] of cases) {
      const response = await fetch(`${hub.url}/api/v1/playground/runs`, json(body));
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(await response.json())).toContain(where);
    }
    expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
  });

  it('hostile text stays text: stored and streamed back as written, the prompt variables inert', async () => {
    const hostile = '<img src=x onerror=alert(1)> {{__proto__}} ${process.env.HOME}';
    const response = await fetch(`${hub.url}/api/v1/playground/runs`, json({ provider: 'openai-compatible', baseUrl: llm.openaiBaseUrl, keyName: 'local', model: 'm', messages: [userMessage(hostile)], stream: false }));
    const { run } = (await response.json()) as { run: { text: string; unresolvedVariables: string[]; spanId: string } };
    expect(run.text).toBe(`echo: ${hostile}`);
    expect(run.unresolvedVariables).toEqual(['__proto__']);
  });
});
