import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/hub-process.js';
import { LiveTestClient } from '../testing/live-client.js';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

const TOKEN = 's3cret-token';
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ token: TOKEN });
});
afterAll(() => t.close());

describe('token auth', () => {
  it('answers 401 without detail when the token is missing or wrong', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }] as Record<string, string>[]) {
      const res = await fetch(`${t.url}/api/v1/traces`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'unauthorized' } });
    }
    expect((await postSpans(t.url, [spanRecord()])).status).toBe(401);
    expect((await fetch(`${t.url}/`)).status).toBe(401);
  });

  it('serves requests with the bearer token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await postSpans(t.url, [spanRecord()], auth)).status).toBe(200);
    expect((await fetch(`${t.url}/api/health`, { headers: auth })).status).toBe(200);
  });

  it('trades ?token= for an HttpOnly cookie that authorizes later requests', async () => {
    const res = await fetch(`${t.url}/traces?token=${TOKEN}&x=1`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/traces?x=1');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    const ok = await fetch(`${t.url}/api/health`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(ok.status).toBe(200);
  });

  it('refuses Socket.IO clients without the token and accepts them with it', async () => {
    const rejected = io(`${t.url}/live`, { transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => rejected.on('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
    rejected.close();

    const client = new LiveTestClient(t.url, {}, { token: TOKEN });
    await client.until(() => client.historyDone);
    expect(client.socket.connected).toBe(true);
    client.close();
  });
});

describe('runtime-hub start', () => {
  it('refuses to bind a non-loopback address without a token', async () => {
    const result = await runCli(['start', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to bind 0.0.0.0 without a token');
  });
});
