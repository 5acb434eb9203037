import { afterEach, describe, expect, it } from 'vitest';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

// The re-invoke channel's HTTP side (docs/replay.md); tests/integration/test_invoke.py runs it with
// a real Python app.
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${hub!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: response.status === 204 ? null : ((await response.json()) as Record<string, unknown>) };
};

describe('re-invoke routes', () => {
  it('refuses both sides when the hub answers beyond this machine without a token', async () => {
    hub = await startTestHub({ allowedHosts: ['hub.example.test'] });
    const poll = await post('/api/v1/invoke/poll', { service: 'shop', instanceId: 'i1', functions: ['price'], waitMs: 0 });
    expect(poll).toMatchObject({ status: 403, body: { error: { code: 'INVOKE_REFUSED' } } });
    const invoke = await post('/api/v1/invocations', { spanId: 'a'.repeat(16), args: {} });
    expect(invoke).toMatchObject({ status: 403, body: { error: { code: 'INVOKE_REFUSED' } } });
  });

  it('with a token the same hub lets an app poll', async () => {
    hub = await startTestHub({ allowedHosts: ['hub.example.test'], token: 'secret-token-123' });
    const poll = await post('/api/v1/invoke/poll', { service: 'shop', instanceId: 'i1', functions: ['price'], waitMs: 0 }, { authorization: 'Bearer secret-token-123' });
    expect(poll.status).toBe(204);
  });

  it('an invocation queued while an app waits reaches it at once; the result comes back to whoever asked', async () => {
    hub = await startTestHub();
    const span = spanRecord({ service: 'shop', name: 'price' });
    await postSpans(hub.url, [span]);
    const waiting = post('/api/v1/invoke/poll', { service: 'shop', instanceId: 'i1', functions: ['price'], waitMs: 20_000 });
    let offered = false;
    for (let i = 0; i < 100 && !offered; i++) {
      offered = ((await (await fetch(`${hub.url}/api/v1/invocable?service=shop`)).json()) as { functions: { name: string }[] }).functions.some((f) => f.name === 'price');
      if (!offered) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const queued = await post('/api/v1/invocations', { spanId: span.spanId, args: { sku: 'B' } }, { 'user-agent': 'test-browser' });
    expect(queued.status).toBe(202);
    const got = await waiting;
    const invocation = (got.body as { invocation: { id: string; args: unknown; requestedBy: { userAgent: string } } }).invocation;
    expect(invocation).toMatchObject({ args: { sku: 'B' }, requestedBy: { userAgent: 'test-browser' } });
    expect((await post(`/api/v1/invoke/${invocation.id}/result`, { status: 'ok', output: 42 })).status).toBe(200);
    const done = (await (await fetch(`${hub.url}/api/v1/invocations/${invocation.id}?waitMs=1000`)).json()) as { invocation: { status: string; result: unknown } };
    expect(done.invocation).toMatchObject({ status: 'done', result: { status: 'ok', output: 42 } });
    expect((await fetch(`${hub.url}/api/v1/invocations/ffffffffffffffff`)).status).toBe(404);
    expect((await post('/api/v1/invocations', { spanId: span.spanId })).status).toBe(400);
  });
});
