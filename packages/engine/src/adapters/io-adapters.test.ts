import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childShell } from './child-shell.js';
import { fetchHttp } from './fetch-http.js';

let base = '';
const server = createServer((req, res) => {
  if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000).unref();
  else if (req.url === '/big') res.end('x'.repeat(5000));
  else if (req.url === '/echo') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.writeHead(201, { 'x-method': req.method ?? '' }).end(body));
  } else res.writeHead(503).end('busy');
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = (url: string, extra: Partial<Parameters<typeof fetchHttp.request>[0]> = {}) =>
  fetchHttp.request({ method: 'GET', url, headers: {}, timeoutMs: 1000, maxResponseBytes: 1024 * 1024, signal: new AbortController().signal, ...extra });

describe('fetchHttp', () => {
  it('returns status, headers and body', async () => {
    expect(await request(`${base}/json`)).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    expect(await request(`${base}/echo`, { method: 'PUT', body: 'hello' })).toMatchObject({ status: 201, headers: { 'x-method': 'PUT' }, body: 'hello' });
    expect((await request(`${base}/missing`)).status).toBe(503);
  });

  it('fails with codes the retry policy understands', async () => {
    await expect(request(`${base}/slow`, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await expect(request(`${base}/big`, { maxResponseBytes: 100 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await request(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    const { errnoOf } = await import('../errors.js');
    expect(errnoOf(refused)).toBe('ECONNREFUSED');
  });
});

describe('childShell', () => {
  const shell = childShell();
  const run = (command: string, extra: Partial<Parameters<typeof shell.run>[0]> = {}) =>
    shell.run({ project: 'demo', command, env: {}, timeoutMs: 5000, maxOutputBytes: 1024, signal: new AbortController().signal, ...extra });

  it('runs a command with only the allowed environment', async () => {
    process.env.RUNTIME_HUB_SECRET_KEY_TEST = 'do-not-leak';
    const result = await run('echo "$GREETING"; echo "[$RUNTIME_HUB_SECRET_KEY_TEST]"; echo oops >&2; exit 3', { env: { GREETING: 'hi' } });
    delete process.env.RUNTIME_HUB_SECRET_KEY_TEST;
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: 'hi\n[]\n', stderr: 'oops\n', timedOut: false });
  });

  it('kills the whole process group on timeout and bounds the output', async () => {
    const started = Date.now();
    const result = await run('sleep 30 & sleep 30; echo never', { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await run('yes | head -c 100000')).stdout.length).toBe(1024);
  });
});
