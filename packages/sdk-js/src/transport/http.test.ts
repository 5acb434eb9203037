import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from './http.js';
import { parseRetryAfter } from './transport.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real HTTP server answering with `reply`; returns its URL and what it received. */
async function serve(reply: (res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      seen.push({ headers: req.headers, body: (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString() });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, seen };
}

const options = { timeoutMs: 2_000, compression: 'none' as const, userAgent: 'test', token: undefined };

describe('HttpTransport', () => {
  it('posts JSON with the bearer token and reads the reply', async () => {
    const { url, seen } = await serve((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":[]}'));
    const transport = new HttpTransport({ ...options, url, token: 't0k' });
    expect(await transport.send('/api/v1/spans', '{"spans":[]}')).toEqual({ ok: true, status: 200, body: '{"accepted":1,"rejected":[]}' });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer t0k', 'content-type': 'application/json' });
    expect(seen[0]!.body).toBe('{"spans":[]}');
    transport.close();
  });

  it('gzips bodies of 1 KB and more when asked', async () => {
    const { url, seen } = await serve((res) => res.end('{}'));
    const transport = new HttpTransport({ ...options, url, compression: 'gzip' });
    const big = JSON.stringify({ spans: ['x'.repeat(2000)] });
    await transport.send('/api/v1/spans', big);
    await transport.send('/api/v1/spans', '{"small":true}');
    expect(seen[0]!.headers['content-encoding']).toBe('gzip');
    expect(seen[0]!.body).toBe(big);
    expect(seen[1]!.headers['content-encoding']).toBeUndefined();
    transport.close();
  });

  it('reports 429/503 as retryable with Retry-After, other 4xx as final', async () => {
    const statuses = [
      [429, { 'retry-after': '3' }],
      [503, {}],
      [400, {}],
      [401, {}],
    ] as const;
    let i = 0;
    const { url } = await serve((res) => {
      const [status, headers] = statuses[i++]!;
      res.writeHead(status, headers).end('{"error":{"code":"X","message":"m"}}');
    });
    const transport = new HttpTransport({ ...options, url });
    expect(await transport.send('/p', '{}')).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 3000 });
    expect(await transport.send('/p', '{}')).toMatchObject({ ok: false, retryable: true, status: 503 });
    expect(await transport.send('/p', '{}')).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(await transport.send('/p', '{}')).toMatchObject({ ok: false, retryable: false, status: 401 });
    transport.close();
  });

  it('turns a refused connection and a timeout into retryable results, never a rejection', async () => {
    const refused = new HttpTransport({ ...options, url: 'http://127.0.0.1:9' });
    expect(await refused.send('/p', '{}')).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('ECONNREFUSED') });
    const { url } = await serve(() => {
      // never answers
    });
    const slow = new HttpTransport({ ...options, url, timeoutMs: 100 });
    expect(await slow.send('/p', '{}')).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('no reply within 100 ms') });
    slow.close();
    server!.closeAllConnections();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
