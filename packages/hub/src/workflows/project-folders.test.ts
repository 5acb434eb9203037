import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHub } from '../testing/test-hub.js';
import { GREET, apiClient } from './testing.js';

const dataDir = mkdtempSync(join(tmpdir(), 'rh-folders-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('project folders', () => {
  it('picks up workflows edited on disk while the hub was down, as new versions; reports broken files', async () => {
    const first = await startTestHub({ dataDir });
    let api = apiClient(first.url);
    await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo', env: { GREETING: 'Hello' } });
    await api('POST', '/api/v1/projects/demo/workflows', GREET);
    const before = await api('POST', '/w/demo/greet', { name: 'Ada' });
    await first.close();

    const file = join(dataDir, 'projects', 'demo', 'greet.json');
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.nodes[1].config.fields.message = '{{ env.GREETING }} again, {{ trigger.body.name }}!';
    writeFileSync(file, JSON.stringify(edited));
    writeFileSync(join(dataDir, 'projects', 'demo', 'broken.json'), '{ "id": "broken", "nodes": [');
    writeFileSync(join(dataDir, 'projects', 'demo', 'cyclic.json'), JSON.stringify({ ...GREET, id: 'cyclic', visibility: 'internal', endpoint: undefined, edges: [...GREET.edges, { source: 'hello', target: 'start' }] }));

    const second = await startTestHub({ dataDir });
    api = apiClient(second.url);
    const workflow = (await api('GET', '/api/v1/projects/demo/workflows/greet')).body.workflow;
    expect(workflow.version).toBe(2);
    expect((await api('POST', '/w/demo/greet', { name: 'Ada' })).body).toEqual({ message: 'Hello again, Ada!' });
    const listed = (await api('GET', '/api/v1/projects/demo/workflows')).body;
    expect(listed.workflows.map((w: { id: string }) => w.id)).toEqual(['greet']);
    expect(listed.invalidWorkflows.map((w: { id: string; errors: { code: string }[] }) => [w.id, w.errors[0]?.code])).toEqual([
      ['broken', 'invalid_definition'],
      ['cyclic', 'invalid_output'],
    ]);
    // The old version stays runnable for re-runs of old runs.
    const rerun = await api('POST', `/api/v1/runs/${before.headers.get('x-runtime-hub-run-id')}/rerun`, {});
    const detail = await api('GET', `/api/v1/runs/${rerun.body.runId}`);
    expect(detail.body.run).toMatchObject({ version: 1, output: { message: 'Hello, Ada!' } });
    // The file now carries its new version, canonical again.
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(2);
    await second.close();
  });
});
