import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';
import { GREET, apiClient } from './testing.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ token: 'hub-token-123' });
});
afterAll(() => hub.close());

describe('public workflows on a hub with a token', () => {
  it('answer without the hub token, while the API still requires it', async () => {
    const api = apiClient(hub.url);
    const auth = { authorization: 'Bearer hub-token-123' };
    expect((await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' })).status).toBe(401);
    expect((await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' }, auth)).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/demo/workflows', GREET, auth)).status).toBe(201);
    const answer = await api('POST', '/w/demo/greet', { name: 'Ada' });
    expect(answer.body).toEqual({ message: 'Hello, Ada!' });
    expect((await api('GET', `/api/v1/runs/${answer.headers.get('x-runtime-hub-run-id')}`)).status).toBe(401);
  });
});
