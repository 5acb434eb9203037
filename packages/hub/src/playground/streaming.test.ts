import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';

/**
 * What the echo test server cannot show: that the hub passes each token on as it comes (here the
 * provider holds its second token until the client has read the first), and that a provider
 * quoting the key back in an error does not get it to the user. The server speaks the OpenAI
 * chunk format the official client parses (`data: {chat.completion.chunk}` … `data: [DONE]`).
 */
const KEY = 'sk-proj-streamtest-abcdef0123456789';
let hub: TestHub;
let provider: Server;
let baseUrl: string;
let releaseSecond: () => void = () => undefined;

const chunk = (content: string | null, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'gated', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;

beforeAll(async () => {
  provider = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if ((req.headers.authorization ?? '').includes('wrong')) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first '));
      new Promise<void>((resolve) => (releaseSecond = resolve)).then(() => {
        res.write(chunk('second'));
        res.write(chunk(null, 'stop'));
        res.end('data: [DONE]\n\n');
      }, () => undefined);
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  hub = await startTestHub();
  for (const [name, value] of [['gated', KEY], ['wrong', `wrong-${KEY}`]]) {
    await fetch(`${hub.url}/api/v1/playground/keys/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value, baseUrl }) });
  }
});

afterAll(async () => {
  releaseSecond();
  await hub?.close();
  await new Promise<void>((resolve) => provider?.close(() => resolve()));
});

const run = (keyName: string) =>
  fetch(`${hub.url}/api/v1/playground/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'openai-compatible', baseUrl, keyName, model: 'gated', messages: [{ role: 'user', parts: [{ type: 'text', content: 'go' }] }] }),
  });

describe('playground streaming', () => {
  it('passes the first token on before the provider has sent the second', async () => {
    const response = await run('gated');
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"delta"')) text += (await reader.read()).value ?? '';
    expect(text).toContain('{"type":"delta","text":"first "}');
    expect(text).not.toContain('second');
    releaseSecond();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    const done = JSON.parse(text.trim().split('\n').at(-1)!) as { type: string; run: { text: string; firstTokenMs: number; latencyMs: number } };
    expect(done).toMatchObject({ type: 'done', run: { text: 'first second' } });
    expect(done.run.firstTokenMs).toBeLessThanOrEqual(done.run.latencyMs);
  });

  it('a key the provider quotes back in its error is masked', async () => {
    const response = await run('wrong');
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain('Incorrect API key provided: [key]');
    expect(text).not.toContain(KEY);
  });
});
