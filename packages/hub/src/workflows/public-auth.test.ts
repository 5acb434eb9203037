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

  it('check their own credential (endpoint.auth) and never keep the caller credentials in run data', async () => {
    const api = apiClient(hub.url);
    const auth = { authorization: 'Bearer hub-token-123' };
    await api('PUT', '/api/v1/projects/demo/secrets/HOOK_TOKEN', { value: 'whsec-abc-987' }, auth);
    const guarded = { ...GREET, id: 'guarded', endpoint: { method: 'POST', path: '/guarded', auth: { secret: 'HOOK_TOKEN' } } };
    const signed = { ...GREET, id: 'signed', endpoint: { method: 'POST', path: '/signed', auth: { secret: 'HOOK_TOKEN', header: 'X-Signature' } } };
    expect((await api('POST', '/api/v1/projects/demo/workflows', guarded, auth)).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/demo/workflows', signed, auth)).status).toBe(201);
    const missing = await api('POST', '/w/demo/guarded', { name: 'Eve' });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('ENDPOINT_UNAUTHORIZED');
    expect((await api('POST', '/w/demo/guarded', { name: 'Eve' }, { authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await api('POST', '/w/demo/guarded', { name: 'Ada' }, { authorization: 'Bearer whsec-abc-987', cookie: 'session=abc' });
    expect(ok.body).toEqual({ message: 'Hello, Ada!' });
    expect((await api('POST', '/w/demo/signed', { name: 'Bo' }, { 'x-signature': 'whsec-abc-987' })).body).toEqual({ message: 'Hello, Bo!' });
    const run = await api('GET', `/api/v1/runs/${ok.headers.get('x-runtime-hub-run-id')}`, undefined, auth);
    expect(run.body.run.trigger.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(JSON.stringify(run.body)).not.toContain('whsec-abc-987');
  });
});
