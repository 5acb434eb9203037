import { request as httpRequest } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTestClient } from '../testing/live-client.js';
import { spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

/** A raw HTTP request with exactly the headers given (fetch would not let a test set Host). */
function send(url: string, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves with the connect_error message, or 'connected'. */
function socketOutcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (error) => resolve(error.message));
  });
}

describe('origin and host checks on a default hub (loopback, no token)', () => {
  let t: TestHub;
  let port: string;
  beforeAll(async () => {
    t = await startTestHub();
    port = new URL(t.url).port;
  });
  afterAll(() => t.close());

  it('refuses a Host that is not a name of the hub (DNS rebinding)', async () => {
    const res = await send(t.url, '/api/v1/traces', { host: `evil.example:${port}` });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'HOST_NOT_ALLOWED' } });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(t.url, '/api/health', { host })).status).toBe(200);
    }
  });

  it('refuses requests from another origin and accepts its own', async () => {
    const other = await send(t.url, '/api/v1/traces', { host: `127.0.0.1:${port}`, origin: 'http://evil.example' });
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body)).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // Another local app (same host, another port) is another origin.
    expect((await send(t.url, '/api/v1/traces', { host: `127.0.0.1:${port}`, origin: 'http://127.0.0.1:3000' })).status).toBe(403);
    expect((await send(t.url, '/api/v1/traces', { host: `127.0.0.1:${port}`, origin: 'null' })).status).toBe(403);
    const write = await send(t.url, '/api/v1/spans', { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'application/json' }, 'POST', JSON.stringify({ spans: [spanRecord()] }));
    expect(write.status).toBe(403);
    const own = await send(t.url, '/api/v1/traces', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` });
    expect(own.status).toBe(200);
    const ownByName = await send(t.url, '/api/v1/traces', { host: `localhost:${port}`, origin: `http://localhost:${port}` });
    expect(ownByName.status).toBe(200);
  });

  it('refuses cross-site requests without Origin unless they are navigations', async () => {
    const img = await send(t.url, '/api/v1/traces', { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' });
    expect(img.status).toBe(403);
    const link = await send(t.url, '/traces', { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(link.status).toBe(200);
  });

  it('refuses the Socket.IO handshake from another origin or host, on every transport', async () => {
    for (const transports of [['websocket'], ['polling']] as const) {
      const evil = io(`${t.url}/live`, { transports: [...transports], reconnection: false, extraHeaders: { origin: 'http://evil.example' } });
      expect(await socketOutcome(evil)).not.toBe('connected');
      evil.close();
    }
    const polling = await send(t.url, '/socket.io/?EIO=4&transport=polling', { host: `127.0.0.1:${port}`, origin: 'http://evil.example' });
    expect(polling.status).toBe(403);
    expect(polling.body).toContain('ORIGIN_NOT_ALLOWED');
    const rebound = await send(t.url, '/socket.io/?EIO=4&transport=polling', { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('HOST_NOT_ALLOWED');

    const own = io(`${t.url}/live`, { transports: ['websocket'], reconnection: false, extraHeaders: { origin: t.url } });
    expect(await socketOutcome(own)).toBe('connected');
    own.close();
  });

  it('sends its Content-Security-Policy as a header that forbids framing', async () => {
    for (const path of ['/', '/api/health', '/w/']) {
      const res = await send(t.url, path, { host: `127.0.0.1:${port}` });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('configured origins and hosts', () => {
  let t: TestHub;
  let port: string;
  beforeAll(async () => {
    t = await startTestHub({ allowedOrigins: ['https://ops.example.com'], allowedHosts: ['hub.internal'] });
    port = new URL(t.url).port;
  });
  afterAll(() => t.close());

  it('accepts an allowed origin with CORS, including its preflight, and an allowed host name', async () => {
    const preflight = await send(t.url, '/api/v1/spans', {
      host: `127.0.0.1:${port}`,
      origin: 'https://ops.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    }, 'OPTIONS');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://ops.example.com');
    const read = await send(t.url, '/api/v1/traces', { host: `127.0.0.1:${port}`, origin: 'https://ops.example.com' });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe('https://ops.example.com');
    expect((await send(t.url, '/api/health', { host: `hub.internal:${port}` })).status).toBe(200);
    expect((await send(t.url, '/api/health', { host: `ops.example.com` })).status).toBe(200);
    expect((await send(t.url, '/api/health', { host: `other.internal:${port}` })).status).toBe(403);
    expect((await send(t.url, '/api/health', { host: `127.0.0.1:${port}`, origin: 'https://evil.example.com' })).status).toBe(403);
  });
});

describe('with a token', () => {
  const TOKEN = 'exposure-token';
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ token: TOKEN });
  });
  afterAll(() => t.close());

  it('the Engine.IO handshake itself requires the token', async () => {
    const bare = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`);
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('UNAUTHORIZED');
    // The Socket.IO `auth` field travels after the handshake: not enough on its own.
    const authOnly = io(`${t.url}/live`, { transports: ['websocket'], reconnection: false, auth: { token: TOKEN } });
    expect(await socketOutcome(authOnly)).not.toBe('connected');
    authOnly.close();
    const withHeader = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withHeader.status).toBe(200);
    const withQuery = io(`${t.url}/live`, { transports: ['websocket'], reconnection: false, query: { token: TOKEN } });
    expect(await socketOutcome(withQuery)).toBe('connected');
    withQuery.close();
    const client = new LiveTestClient(t.url, {}, { token: TOKEN });
    await client.until(() => client.historyDone);
    client.close();
  });

  it('/w/ and other pages that are not public workflow endpoints need the token', async () => {
    for (const path of ['/w/', '/w', '/w/some-project', '/w/index.html']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(401);
    }
    // A public workflow path is routed to the workflow feature, which answers with its own rules.
    const publicPath = await fetch(`${t.url}/w/no-such-project/hook`, { method: 'POST' });
    expect(publicPath.status).toBe(404);
    expect(await publicPath.json()).toMatchObject({ error: { code: 'ENDPOINT_NOT_FOUND' } });
  });
});
