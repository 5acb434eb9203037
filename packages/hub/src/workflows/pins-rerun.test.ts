import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';
import { apiClient, eventually } from './testing.js';

/**
 * Pinned data and "run from this node" with an edited input, through the hub's HTTP API against a
 * real local server that counts the calls it gets.
 */
let hub: TestHub;
let api: ReturnType<typeof apiClient>;
let upstream: Server;
let upstreamUrl: string;
const calls: Record<string, number> = {};

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const path = req.url ?? '/';
    calls[path] = (calls[path] ?? 0) + 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: 'live', path, count: calls[path] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  hub = await startTestHub();
  api = apiClient(hub.url);
  expect((await api('POST', '/api/v1/projects', { id: 'pins', name: 'Pins' })).status).toBe(201);
  expect((await api('PUT', '/api/v1/projects/pins/secrets/TOKEN', { value: 'tok-9f8e7d6c' })).status).toBeLessThan(300);
});
afterAll(async () => {
  await hub.close();
  await new Promise((resolve) => upstream.close(resolve));
});

const waitRun = (runId: string) =>
  eventually(async () => {
    const { body } = await api('GET', `/api/v1/runs/${runId}`);
    return ['succeeded', 'failed', 'cancelled'].includes(body.run?.status) ? body : undefined;
  }, 20_000, `run ${runId}`);

function workflow(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    visibility: 'public',
    endpoint: { method: 'POST', path: `/${id}` },
    trigger: { type: 'webhook' },
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'fetch', type: 'http', config: { url: `${upstreamUrl}/${id}/fetch` } },
      { id: 'shape', type: 'set', config: { fields: { who: '{{ input.body.name }}', n: '{{ input.body.count }}' } } },
      { id: 'notify', type: 'http', config: { method: 'POST', url: `${upstreamUrl}/${id}/notify`, body: '{{ input }}' } },
    ],
    edges: [
      { source: 'start', target: 'fetch' },
      { source: 'fetch', target: 'shape' },
      { source: 'shape', target: 'notify' },
    ],
    settings: { outputNode: 'shape' },
    ...extra,
  };
}

describe('pinned data over the API', () => {
  it('saves pins in the definition; manual runs use them, webhook runs call the server', async () => {
    const pinned = { fetch: { status: 200, headers: {}, body: { name: 'pinned', count: 0 } } };
    const saved = await api('POST', '/api/v1/projects/pins/workflows', workflow('pinme', { pinned }));
    expect(saved.status).toBe(201);
    expect(saved.body.workflow.pinned).toEqual(pinned);
    expect(JSON.parse(readFileSync(join(hub.dataDir, 'projects', 'pins', 'pinme.json'), 'utf8')).pinned).toEqual(pinned);

    const manual = await api('POST', '/api/v1/projects/pins/workflows/pinme/runs?wait=true', {});
    expect(manual.body).toMatchObject({ status: 'succeeded', output: { who: 'pinned', n: 0 } });
    expect(calls['/pinme/fetch']).toBeUndefined();
    const detail = await waitRun(manual.body.runId);
    expect(detail.steps.find((s: { nodeId: string }) => s.nodeId === 'fetch')).toMatchObject({ pinned: true, status: 'succeeded' });

    const hook = await api('POST', '/w/pins/pinme', {});
    expect(hook.status).toBe(200);
    expect(hook.body).toMatchObject({ who: 'live', n: 1 });
    expect(calls['/pinme/fetch']).toBe(1);
  });

  it('refuses a pin holding a secret value (or its base64), naming the secret but not its value', async () => {
    for (const leaked of ['Bearer tok-9f8e7d6c', Buffer.from('tok-9f8e7d6c').toString('base64')]) {
      const refused = await api('POST', '/api/v1/projects/pins/workflows', workflow('leaky', { pinned: { fetch: { body: { auth: leaked } } } }));
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'WORKFLOW_INVALID', details: { issues: [{ code: 'secret_in_pin', path: 'pinned.fetch', nodeId: 'fetch' }] } });
      expect(refused.text).toContain('TOKEN');
      expect(refused.text).not.toContain('tok-9f8e7d6c');
    }
    const checked = await api('POST', '/api/v1/projects/pins/workflows/leaky/validate', workflow('leaky', { pinned: { fetch: { auth: 'tok-9f8e7d6c' } } }));
    expect(checked.body).toMatchObject({ valid: false, errors: [{ code: 'secret_in_pin' }] });
    expect(checked.text).not.toContain('tok-9f8e7d6c');
  });
});

describe('run from this node with an edited input', () => {
  it('does not call upstream servers again, and the edited input reaches the node', async () => {
    expect((await api('POST', '/api/v1/projects/pins/workflows', workflow('partial'))).status).toBe(201);
    const first = await api('POST', '/api/v1/projects/pins/workflows/partial/runs?wait=true', {});
    expect(first.body).toMatchObject({ status: 'succeeded', output: { who: 'live', n: 1 } });
    expect(calls).toMatchObject({ '/partial/fetch': 1, '/partial/notify': 1 });

    const rerun = await api('POST', `/api/v1/runs/${first.body.runId}/rerun`, { fromNode: 'shape', input: { body: { name: 'edited', count: 42 } } });
    expect(rerun.status).toBe(201);
    const detail = await waitRun(rerun.body.runId);
    expect(detail.run).toMatchObject({ status: 'succeeded', output: { who: 'edited', n: 42 }, rerunOf: first.body.runId, rerunFrom: 'shape' });
    // The upstream server was not called again; the downstream one was, with the edited result.
    expect(calls).toMatchObject({ '/partial/fetch': 1, '/partial/notify': 2 });
    const shape = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'shape');
    expect(shape.input).toEqual({ body: { name: 'edited', count: 42 } });
    expect(detail.steps.find((s: { nodeId: string }) => s.nodeId === 'fetch').reused).toBe(true);

    const bad = await api('POST', `/api/v1/runs/${first.body.runId}/rerun`, { input: { x: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_RERUN' });
  });
});
