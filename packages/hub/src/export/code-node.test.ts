import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from '../testing/test-hub.js';
import type { TestHub } from '../testing/test-hub.js';
import { runExport } from './testing/exported-apps.js';
import type { RunningExport } from './testing/exported-apps.js';

/**
 * The code node (JavaScript) runs in the TypeScript export — in a fresh node:vm context — and is
 * refused by the Python export; what it computes and how it fails must match the hub's sandbox.
 */
let hub: TestHub;
let app: RunningExport;

const WORKFLOW = {
  id: 'compute',
  name: 'Compute',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/compute' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'in', type: 'trigger' },
    { id: 'prep', type: 'set', config: { fields: { items: '{{ trigger.body.items }}' } } },
    {
      id: 'js',
      type: 'code',
      config: { code: "console.log('summing', input.items.length);\nconst total = input.items.reduce((a, b) => a + b, 0);\nif (total > 100) throw new Error('too big: ' + total);\nreturn { total, env: env.MODE, node: nodes.prep.output.items.length, workflow: run.workflow, type: typeof require };" },
      onError: 'output',
    },
    { id: 'ok', type: 'transform', config: { value: { result: '{{ input }}' } } },
    { id: 'failed', type: 'transform', config: { value: { code: '{{ input.error.code }}', message: '{{ input.error.message }}' } } },
  ],
  edges: [
    { source: 'in', target: 'prep' },
    { source: 'prep', target: 'js' },
    { source: 'js', target: 'ok' },
    { source: 'js', sourceOutput: 'error', target: 'failed' },
  ],
};

beforeAll(async () => {
  hub = await startTestHub();
  const post = (path: string, body: unknown) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/api/v1/projects', { id: 'calc', name: 'Calc', env: { MODE: 'sum' }, settings: { allowCode: true } })).status).toBe(201);
  expect((await post('/api/v1/projects/calc/workflows', WORKFLOW)).status).toBe(201);
  const refused = await fetch(`${hub.url}/api/v1/projects/calc/export?language=python`);
  expect(refused.status).toBe(422);
  expect(((await refused.json()) as { error: { code: string; details: { problems: { nodeId: string }[] } } }).error).toMatchObject({ code: 'EXPORT_REFUSED', details: { problems: [{ nodeId: 'js' }] } });
  const files = ((await (await fetch(`${hub.url}/api/v1/projects/calc/export?language=typescript`)).json()) as { files: { path: string; content: string }[] }).files;
  app = await runExport('typescript', files);
}, 300_000);

afterAll(async () => {
  await Promise.all([app?.close(), hub?.close()]);
});

describe('the code node in the TypeScript export', () => {
  for (const [name, items] of [
    ['computes like the hub', [1, 2, 3.5]],
    ['fails like the hub', [99, 2]],
  ] as const) {
    it(name, async () => {
      const ask = async (url: string) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
        return { status: response.status, body: (await response.json()) as unknown };
      };
      const [fromHub, fromApp] = await Promise.all([ask(`${hub.url}/w/calc/compute`), ask(`${app.url}/compute`)]);
      expect(fromApp).toEqual(fromHub);
      expect(fromHub.status).toBe(200);
    }, 60_000);
  }
});
