import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';

/**
 * What happens once the answer has started: the provider failing after its first token, and the
 * user going away mid-stream. The local server speaks the OpenAI chunk format the official client
 * parses (`data: {chat.completion.chunk}`), sends one token, then breaks the connection (model
 * `breaks`) or holds the rest until the request goes away (model `holds`).
 */
let hub: TestHub;
let provider: Server;
let baseUrl: string;
const closed: Record<string, Promise<void>> = {};

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

function readBody(req: IncomingMessage): Promise<{ model: string; messages: { content: string }[] }> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(JSON.parse(text) as { model: string; messages: { content: string }[] }));
  });
}

beforeAll(async () => {
  provider = createServer((req, res) => {
    void readBody(req).then((body) => {
      const tag = body.messages[0]!.content;
      closed[tag] = new Promise((resolve) => res.on('close', resolve));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first '));
      if (body.model === 'breaks') setTimeout(() => res.socket?.destroy(), 50);
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.close();
  provider?.closeAllConnections();
  await new Promise<void>((resolve) => provider?.close(() => resolve()));
});

const run = (model: string, tag: string, signal?: AbortSignal) =>
  fetch(`${hub.url}/api/v1/playground/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'openai-compatible', baseUrl, model, messages: [{ role: 'user', parts: [{ type: 'text', content: tag }] }] }),
    ...(signal ? { signal } : {}),
  });

async function storedRun(spanId: string): Promise<Span | undefined> {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${hub.url}/api/v1/spans/${spanId}`);
    if (response.ok) return ((await response.json()) as { span: Span }).span;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

describe('playground: after the first token', () => {
  it('a provider that fails mid-answer ends the stream with an error run; the partial answer is stored', async () => {
    const response = await run('breaks', 'break please');
    expect(response.status).toBe(200); // the first token was out before the failure
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'start' });
    expect(lines).toContainEqual({ type: 'delta', text: 'first ' });
    const done = lines.at(-1) as { type: string; run: { status: string; text: string; spanId: string; error: { code: string } } };
    expect(done).toMatchObject({ type: 'done', run: { status: 'error', text: 'first ', error: { code: 'LLM_ERROR' } } });
    const span = await storedRun(done.run.spanId);
    expect(span).toMatchObject({ kind: 'llm', status: 'error' });
    expect(JSON.stringify(span!.output)).toContain('first ');
  });

  it('a client that goes away mid-stream stops the provider call, and the run is still stored', async () => {
    const controller = new AbortController();
    const response = await run('holds', 'hold please', controller.signal);
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"delta"')) text += (await reader.read()).value ?? '';
    const start = JSON.parse(text.split('\n')[0]!) as { spanId: string };
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await closed['hold please']; // the hub closed its request to the provider
    const span = await storedRun(start.spanId);
    expect(span).toMatchObject({ kind: 'llm', status: 'error', error: { type: 'Aborted' } });
    expect(JSON.stringify(span!.output)).toContain('first ');
    expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
  });
});
