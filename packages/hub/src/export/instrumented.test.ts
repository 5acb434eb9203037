import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GREET_WORKFLOW } from '@runtime-hub/engine/testing';
import { startTestHub } from '../testing/test-hub.js';
import type { TestHub } from '../testing/test-hub.js';
import { runExport } from './testing/exported-apps.js';
import type { RunningExport } from './testing/exported-apps.js';

/**
 * An exported Python app with the runtime-hub Python SDK (the repository's sdk/python, standard
 * library only, on PYTHONPATH) and RUNTIME_HUB_URL set sends each run and each node with I/O to
 * the hub as spans.
 */
const SDK = fileURLToPath(new URL('../../../../sdk/python/src', import.meta.url));
let hub: TestHub;
let app: RunningExport;

beforeAll(async () => {
  hub = await startTestHub();
  const post = (path: string, body: unknown) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/api/v1/projects', { id: 'watched', name: 'Watched' })).status).toBe(201);
  const greet = { ...GREET_WORKFLOW, nodes: [...GREET_WORKFLOW.nodes, { id: 'probe', type: 'http', name: 'Probe', config: { url: `${hub.url}/api/health` } }], edges: [...GREET_WORKFLOW.edges, { source: 'hello', target: 'probe' }], settings: { outputNode: 'hello' } };
  expect((await post('/api/v1/projects/watched/workflows', greet)).status).toBe(201);
  const files = ((await (await fetch(`${hub.url}/api/v1/projects/watched/export?language=python`)).json()) as { files: { path: string; content: string }[] }).files;
  app = await runExport('python', files, { RUNTIME_HUB_URL: hub.url, PYTHONPATH: join(SDK) });
}, 300_000);

afterAll(async () => {
  await Promise.all([app?.close(), hub?.close()]);
});

describe('an instrumented Python export', () => {
  it('streams its runs back to the hub', async () => {
    const response = await fetch(`${app.url}/greet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) });
    expect(await response.json()).toEqual({ message: 'Hello, Ada!' });
    let spans: { name: string; kind: string; service: string; output?: unknown; parentSpanId?: string | null; spanId: string }[] = [];
    for (let i = 0; i < 100 && spans.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      spans = ((await (await fetch(`${hub.url}/api/v1/spans?service=watched`)).json()) as { spans: typeof spans }).spans.filter((s) => s.kind === 'workflow' || s.kind === 'node');
    }
    const run = spans.find((s) => s.kind === 'workflow');
    const node = spans.find((s) => s.kind === 'node');
    expect(run).toMatchObject({ name: 'Greet', service: 'watched', output: { message: 'Hello, Ada!' } });
    expect(node).toMatchObject({ name: 'Probe', parentSpanId: run?.spanId });
  }, 60_000);
});
