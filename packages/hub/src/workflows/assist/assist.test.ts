import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmTestServer, type LlmTestServer } from '@runtime-hub/engine/testing';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { apiClient } from '../testing.js';
import { parseDraft } from './draft-loop.js';

const KEY = 'sk-assist-secret-7Hq2-0042';
let hub: TestHub;
let api: ReturnType<typeof apiClient>;
let llm: LlmTestServer;
const responses: string[] = [];

beforeAll(async () => {
  llm = await startLlmTestServer();
  hub = await startTestHub();
  const raw = apiClient(hub.url);
  api = async (...args) => {
    const result = await raw(...args);
    responses.push(result.text);
    return result;
  };
  await api('POST', '/api/v1/projects', { id: 'shop', name: 'Shop' });
  await api('PUT', '/api/v1/projects/shop/secrets/SLACK_URL', { value: 'https://hooks.example/very-secret-path' });
});
afterAll(async () => {
  await hub.close();
  await llm.close();
});

const VALID = {
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'start', type: 'trigger', name: 'Webhook', config: {} },
    { id: 'hello', type: 'set', name: 'Hello', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
};
// Invalid the way models get it wrong: an unknown node type and an edge to a node that does not exist.
const INVALID = { ...VALID, nodes: [VALID.nodes[0], { id: 'hello', type: 'greeting', config: {} }], edges: [{ source: 'start', target: 'missing' }] };

describe('AI-assisted building', () => {
  it('says how to set a provider while none is set', async () => {
    const view = await api('GET', '/api/v1/assist/settings');
    expect(view.body).toMatchObject({ configured: false, settings: null });
    expect(view.body.howTo).toContain('/api/v1/assist/settings');
    const refused = await api('POST', '/api/v1/projects/shop/assist/draft', { description: 'greet people' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ASSIST_NOT_CONFIGURED');
  });

  it('uses a key from the playground key store, bound to its server; the key never reaches the browser', async () => {
    expect((await api('PUT', '/api/v1/playground/keys/local', { value: KEY, baseUrl: llm.openaiBaseUrl })).status).toBe(200);
    const wrong = await api('PUT', '/api/v1/assist/settings', { provider: 'openai', model: 'test-model', baseUrl: 'http://127.0.0.1:9/v1', keyName: 'local' });
    expect(wrong.body).toMatchObject({ configured: false });
    expect(wrong.body.problem).toContain('bound to');
    const set = await api('PUT', '/api/v1/assist/settings', { provider: 'openai', model: 'test-model', baseUrl: llm.openaiBaseUrl, keyName: 'local' });
    expect(set.body).toMatchObject({ configured: true, settings: { keyName: 'local' } });
    expect(set.body.keys.map((k: { name: string }) => k.name)).toContain('local');
  });

  it('repairs an invalid draft by sending the validator issues back', async () => {
    llm.answerNext(JSON.stringify(INVALID), 'Here it is:\n```json\n' + JSON.stringify(VALID) + '\n```');
    const before = llm.requests.length;
    const draft = await api('POST', '/api/v1/projects/shop/assist/draft', { description: 'answer POST /greet with a hello' });
    expect(draft.status, draft.text).toBe(200);
    expect(draft.body).toMatchObject({ valid: true, rounds: 2, issues: [], workflow: { id: 'greet' } });
    const [first, repair] = llm.requests.slice(before);
    expect(first!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(first!.body.messages![0]!.content).toContain('set:');
    expect(first!.body.messages![0]!.content).toContain('SLACK_URL');
    expect(JSON.stringify(first!.body)).not.toContain('very-secret-path');
    const last = repair!.body.messages!.at(-1)!.content as string;
    expect(last).toContain('The validator refused that workflow');
    expect(last).toMatch(/greeting/);
  });

  it('stops after the bounded rounds and shows the last draft with the issues left', async () => {
    llm.answerNext('I cannot do JSON today.', JSON.stringify(INVALID), JSON.stringify(INVALID));
    const draft = await api('POST', '/api/v1/projects/shop/assist/draft', { description: 'something', maxRepairs: 2 });
    expect(draft.body).toMatchObject({ valid: false, rounds: 3, workflow: { id: 'greet' } });
    expect(draft.body.issues.length).toBeGreaterThan(0);
    expect(draft.body.issues.map((i: { path: string }) => i.path).join(' ')).toMatch(/nodes\[1\]|edges\[0\]/);
  });

  it('completes a partial workflow and explains one', async () => {
    llm.answerNext(JSON.stringify(VALID));
    const partial = { ...VALID, nodes: [VALID.nodes[0]], edges: [] };
    const done = await api('POST', '/api/v1/projects/shop/assist/complete', { workflow: partial, instructions: 'say hello' });
    expect(done.body).toMatchObject({ valid: true, rounds: 1 });
    expect(llm.requests.at(-1)!.body.messages!.at(-1)!.content).toContain('Complete this partial workflow (say hello)');
    llm.answerNext('It answers POST /greet with a greeting.');
    const explained = await api('POST', '/api/v1/projects/shop/assist/explain', { workflow: VALID });
    expect(explained.body).toEqual({ text: 'It answers POST /greet with a greeting.' });
  });

  it('answers ASSIST_FAILED with the key masked when the provider fails', async () => {
    llm.failNext(1, 401);
    const failed = await api('POST', '/api/v1/projects/shop/assist/explain', { workflow: VALID });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('ASSIST_FAILED');
    expect(responses.join('\n')).not.toContain(KEY);
  });

  it('reads a draft inside a code fence or prose', () => {
    expect(parseDraft('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(parseDraft('Sure! {"a":2} hope it helps')).toEqual({ a: 2 });
    expect(parseDraft('[1,2]')).toBeUndefined();
    expect(parseDraft('no json')).toBeUndefined();
  });
});
