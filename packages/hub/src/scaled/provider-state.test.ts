import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLlmTestServer, type LlmTestServer } from '@runtime-hub/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { killNow, spawnWorker } from '../testing/worker-process.js';
import { apiClient } from '../workflows/testing.js';

// Two real hubs, each with its own data folder, and a worker on one PostgreSQL and one Redis: the
// playground's provider keys and the AI-assist settings saved through one hub are what the other
// uses; a key's value never comes back from either, nor shows in their logs.
const KEY = 'sk-shared-across-hubs-0123456789-DONOTECHO';
const SECRET_KEY = randomBytes(32).toString('base64');
let redis: RedisTestServer;
let postgres: PostgresServer;
let llm: LlmTestServer;
let dbUrl: string;
const folders: string[] = [];
let hubA: HubProcess;
let hubB: HubProcess;

const folder = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `rh-provider-${name}-`));
  folders.push(dir);
  return dir;
};
const start = (data: string) => spawnHub(['--data', data, '--db', dbUrl, '--redis', redis.url, '--log-level', 'info'], { RUNTIME_HUB_SECRET_KEY: SECRET_KEY }, 60_000);
const userMessage = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });

beforeAll(async () => {
  [redis, postgres, llm] = await Promise.all([startRedisServer(), startPostgres(), startLlmTestServer()]);
  dbUrl = await postgres.createDatabase();
  hubA = await start(folder('a'));
  hubB = await start(folder('b'));
}, 120_000);

afterAll(async () => {
  for (const hub of [hubA, hubB]) if (hub) await killNow(hub);
  await Promise.all([redis?.close(), postgres?.close(), llm?.close()]);
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('scaled mode: provider keys and AI-assist settings shared by the hubs', () => {
  it('uses on hub B a playground key saved on hub A, and never returns its value', async () => {
    const [a, b] = [apiClient(hubA.url), apiClient(hubB.url)];
    const saved = await a('PUT', '/api/v1/playground/keys/local', { value: KEY, baseUrl: llm.openaiBaseUrl });
    expect(saved.status, saved.text).toBe(200);
    const listed = await b('GET', '/api/v1/playground/keys');
    expect(listed.body.keys).toEqual([{ name: 'local', baseUrl: llm.openaiBaseUrl, updatedAt: expect.any(String) }]);

    const before = llm.requests.length;
    const run = await b('POST', '/api/v1/playground/runs', { provider: 'openai-compatible', baseUrl: llm.openaiBaseUrl, keyName: 'local', model: 'test-model', messages: [userMessage('Say hi')], stream: false });
    expect(run.status, run.text).toBe(200);
    expect(run.body.run).toMatchObject({ status: 'ok', text: 'echo: Say hi' });
    const sent = llm.requests.slice(before);
    expect(sent.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);

    // The key stays bound to its server on hub B too.
    const elsewhere = await b('POST', '/api/v1/playground/runs', { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', keyName: 'local', model: 'test-model', messages: [userMessage('x')], stream: false });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.code).toBe('PLAYGROUND_KEY_MISSING');
    for (const reply of [saved, listed, run, elsewhere]) expect(reply.text).not.toContain(KEY);
  }, 120_000);

  it('reads on hub B the assist settings saved on hub A, and calls the provider with the shared key', async () => {
    const [a, b] = [apiClient(hubA.url), apiClient(hubB.url)];
    const set = await a('PUT', '/api/v1/assist/settings', { provider: 'openai', model: 'test-model', baseUrl: llm.openaiBaseUrl, keyName: 'local' });
    expect(set.status, set.text).toBe(200);
    const view = await b('GET', '/api/v1/assist/settings');
    expect(view.body).toMatchObject({ configured: true, settings: { provider: 'openai', model: 'test-model', baseUrl: llm.openaiBaseUrl, keyName: 'local' }, keys: [{ name: 'local' }] });
    expect(view.text).not.toContain(KEY);

    expect((await b('POST', '/api/v1/projects', { id: 'p', name: 'P' })).status).toBe(201);
    const before = llm.requests.length;
    const explained = await b('POST', '/api/v1/projects/p/assist/explain', { workflow: { id: 'w', nodes: [] } });
    expect(explained.status, explained.text).toBe(200);
    expect(llm.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);
  }, 120_000);

  it('forgets on hub A a key deleted on hub B', async () => {
    const [a, b] = [apiClient(hubA.url), apiClient(hubB.url)];
    expect((await b('DELETE', '/api/v1/playground/keys/local')).status).toBe(204);
    expect((await a('GET', '/api/v1/playground/keys')).body.keys).toEqual([]);
    const run = await a('POST', '/api/v1/playground/runs', { provider: 'openai-compatible', baseUrl: llm.openaiBaseUrl, keyName: 'local', model: 'test-model', messages: [userMessage('x')], stream: false });
    expect(run.status).toBe(400);
    expect(run.body.error.code).toBe('PLAYGROUND_KEY_MISSING');
    expect((await a('GET', '/api/v1/assist/settings')).body).toMatchObject({ configured: false, problem: expect.stringContaining('no key "local"') });
    for (const hub of [hubA, hubB]) expect(hub.stderr()).not.toContain(KEY);
  }, 120_000);

  it('leaves a scaled worker\'s data folder without a workflows.sqlite', async () => {
    const data = folder('worker');
    const worker = await spawnWorker(['--data', data, '--db', dbUrl, '--redis', redis.url, '--hub', hubA.url], { RUNTIME_HUB_SECRET_KEY: SECRET_KEY }, 60_000);
    try {
      expect(readdirSync(data).filter((f) => f.startsWith('workflows.sqlite'))).toEqual([]);
    } finally {
      await killNow(worker);
    }
    expect(readdirSync(data).filter((f) => f.startsWith('workflows.sqlite'))).toEqual([]);
  }, 120_000);
});
