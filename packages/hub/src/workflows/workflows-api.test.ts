import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // text body
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const greet = {
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'start', type: 'trigger', name: 'Webhook' },
    { id: 'hello', type: 'set', name: 'Say hello', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
};

describe('workflow API', () => {
  it('runs the greet example of the issue as written', async () => {
    expect((await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' })).status).toBe(201);
    const saved = await api('POST', '/api/v1/projects/demo/workflows', greet);
    expect(saved.status).toBe(201);
    expect(saved.body.workflow).toMatchObject({ id: 'greet', project: 'demo', version: 1 });
    const answer = await api('POST', '/w/demo/greet', { name: 'Ada' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ message: 'Hello, Ada!' });
    const runId = answer.headers.get('x-runtime-hub-run-id');
    const run = await api('GET', `/api/v1/runs/${runId}`);
    expect(run.body.run).toMatchObject({ status: 'succeeded', workflow: 'greet', trigger: { type: 'webhook', method: 'POST', path: '/greet', body: { name: 'Ada' } } });
    expect(run.body.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['start', 'hello']);
  });
});
