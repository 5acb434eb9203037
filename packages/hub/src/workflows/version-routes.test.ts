import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';
import { GREET, apiClient } from './testing.js';

let hub: TestHub;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
  hub = await startTestHub();
  api = apiClient(hub.url);
  await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' });
});
afterAll(() => hub.close());

describe('workflow versions API', () => {
  it('lists every saved version newest first, paged, and returns each definition', async () => {
    expect((await api('POST', '/api/v1/projects/demo/workflows', GREET)).status).toBe(201);
    for (const name of ['Greet 2', 'Greet 3', 'Greet 4']) {
      const current = (await api('GET', '/api/v1/projects/demo/workflows/greet')).body.workflow;
      expect((await api('PUT', '/api/v1/projects/demo/workflows/greet', { ...current, name })).status).toBe(200);
    }
    const first = await api('GET', '/api/v1/projects/demo/workflows/greet/versions?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.versions.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([[4, 'Greet 4'], [3, 'Greet 3'], [2, 'Greet 2']]);
    expect(first.body.versions[0].current).toBe(true);
    expect(first.body.nextBefore).toBe(2);
    const rest = await api('GET', `/api/v1/projects/demo/workflows/greet/versions?limit=3&before=${first.body.nextBefore}`);
    expect(rest.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(rest.body.nextBefore).toBeNull();

    const one = await api('GET', '/api/v1/projects/demo/workflows/greet/versions/1');
    expect(one.body.workflow).toMatchObject({ id: 'greet', version: 1, name: 'Greet' });
  });

  it('answers 404 with a code for a version or workflow that does not exist, 400 for a bad number', async () => {
    const missing = await api('GET', '/api/v1/projects/demo/workflows/greet/versions/99');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('VERSION_NOT_FOUND');
    expect((await api('GET', '/api/v1/projects/demo/workflows/nope/versions')).body.error.code).toBe('WORKFLOW_NOT_FOUND');
    const bad = await api('GET', '/api/v1/projects/demo/workflows/greet/versions/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/version/);
  });
});

describe('workflow validation without saving', () => {
  it('returns the save validator\'s issues by node and field, and saves nothing', async () => {
    const before = (await api('GET', '/api/v1/projects/demo/workflows/greet')).body.workflow;
    const broken = {
      ...before,
      nodes: [...before.nodes, { id: 'call', type: 'http', config: {} }],
      edges: [...before.edges, { source: 'hello', target: 'call' }],
    };
    const result = await api('POST', '/api/v1/projects/demo/workflows/greet/validate', broken);
    expect(result.status).toBe(200);
    expect(result.body.valid).toBe(false);
    expect(result.body.errors).toContainEqual(expect.objectContaining({ code: 'missing_field', nodeId: 'call', field: 'url' }));
    const unreachable = await api('POST', '/api/v1/projects/demo/workflows/greet/validate', { ...before, nodes: [...before.nodes, { id: 'lost', type: 'set', config: { fields: { a: '1' } } }] });
    expect(unreachable.body.valid).toBe(true);
    expect(unreachable.body.warnings).toContainEqual(expect.objectContaining({ nodeId: 'lost' }));
    const ok = await api('POST', '/api/v1/projects/demo/workflows/greet/validate', before);
    expect(ok.body).toMatchObject({ valid: true, errors: [] });
    expect((await api('GET', '/api/v1/projects/demo/workflows/greet')).body.workflow.version).toBe(before.version);
    expect((await api('POST', '/api/v1/projects/nope/workflows/greet/validate', before)).body.error.code).toBe('PROJECT_NOT_FOUND');
  });
});

describe('template preview against a recorded run', () => {
  it('evaluates with the run\'s data, reports errors as text and never reads secrets', async () => {
    await api('PUT', '/api/v1/projects/demo/secrets/TOKEN', { value: 'super-secret-value' });
    const started = await api('POST', '/api/v1/projects/demo/workflows/greet/runs?wait=true', { name: 'Ada' });
    expect(started.body.status).toBe('succeeded');
    const preview = (template: string, nodeId?: string) => api('POST', `/api/v1/runs/${started.body.runId}/preview`, { template, nodeId });
    expect((await preview('Hi {{ trigger.body.name | upper }}', 'hello')).body).toEqual({ value: 'Hi ADA' });
    expect((await preview('{{ nodes.hello.output }}')).body).toEqual({ value: { message: 'Hello, Ada!' } });
    expect((await preview('{{ input.body.name }}', 'hello')).body).toEqual({ value: 'Ada' });
    expect((await preview('{{ trigger.body | upper }}')).body.error).toMatch(/upper/);
    const secret = await preview('{{ secrets.TOKEN }}');
    expect(secret.body.error).toMatch(/not previewed/);
    expect(JSON.stringify(secret.body)).not.toContain('super-secret-value');
    expect((await api('POST', '/api/v1/runs/0123456789abcdef0123456789abcdef/preview', { template: 'x' })).status).toBe(404);
  });
});
