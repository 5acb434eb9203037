import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnHub } from '../testing/hub-process.js';
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
    // The handshake is refused (Engine.IO's 403, which a WebSocket client sees as a failed upgrade).
    const error = await new Promise<Error>((resolve) => rejected.on('connect_error', resolve));
    expect(error.message).toBe('websocket error');
    expect(rejected.connected).toBe(false);
    rejected.close();

    const client = new LiveTestClient(t.url, {}, { token: TOKEN });
    await client.until(() => client.historyDone);
    expect(client.socket.connected).toBe(true);
    client.close();
  });
});

describe('runtime-hub start', () => {
  it('reads the token from --token-file or RUNTIME_HUB_TOKEN, so it never shows in the process list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'file-token-123\n', { mode: 0o600 });
    try {
      for (const [args, env, token] of [
        [['--token-file', file], {}, 'file-token-123'],
        [[], { RUNTIME_HUB_TOKEN_FILE: file }, 'file-token-123'],
        [[], { RUNTIME_HUB_TOKEN: 'env-token-456' }, 'env-token-456'],
      ] as const) {
        const hub = await spawnHub(['--data', join(dir, 'data'), ...args], env);
        try {
          expect(readFileSync(`/proc/${hub.proc.pid}/cmdline`, 'utf8')).not.toContain(token);
          expect((await fetch(`${hub.url}/api/health`)).status).toBe(401);
          expect((await fetch(`${hub.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        } finally {
          hub.proc.kill('SIGKILL'); // shutdown is not what this test is about
          await hub.exited;
        }
      }
      const empty = join(dir, 'empty');
      writeFileSync(empty, '\n');
      const refused = await runCli(['start', '--port', '0', '--token-file', empty]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('is empty');
      const missing = await runCli(['start', '--port', '0', '--token-file', join(dir, 'nope')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('cannot read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // three hub processes, one after the other

  it('refuses an --allow-origin that is not an origin', async () => {
    const result = await runCli(['start', '--port', '0', '--allow-origin', 'https://ops.example.com/path']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not an origin');
  });

  it('refuses to bind a non-loopback address without a token', async () => {
    const result = await runCli(['start', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to bind 0.0.0.0 without a token');
  });
});
