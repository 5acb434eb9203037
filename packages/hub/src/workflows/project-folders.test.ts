import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../testing/hub-process.js';
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

  it('starts a real hub process whatever expressions a file holds: 24 KB chains are listed as invalid, never a hang', async () => {
    const data = mkdtempSync(join(tmpdir(), 'rh-deep-'));
    try {
      const folder = join(data, 'projects', 'deep');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'project.json'), JSON.stringify({ id: 'deep', name: 'Deep' }));
      const chains = { sum: Array(12_000).fill('1').join('+'), path: `trigger${'.a'.repeat(12_000)}`, filters: `"x"${' | upper'.repeat(3_000)}` };
      for (const [id, expression] of Object.entries(chains)) {
        const workflow = { ...GREET, id, visibility: 'internal', endpoint: undefined, trigger: { type: 'manual' }, nodes: [GREET.nodes[0], { id: 'hello', type: 'set', config: { fields: { v: `{{ ${expression} }}` } } }] };
        expect(JSON.stringify(workflow).length).toBeGreaterThan(24_000);
        writeFileSync(join(folder, `${id}.json`), JSON.stringify(workflow));
      }
      writeFileSync(join(folder, 'greet.json'), JSON.stringify(GREET));
      const hub = await spawnHub(['--data', data]);
      try {
        const api = apiClient(hub.url);
        const detail = (await api('GET', '/api/v1/projects/deep')).body;
        const invalid = detail.invalidWorkflows.map((w: { id: string; errors: { code: string; path: string }[] }) => [w.id, w.errors.map((e) => `${e.code} ${e.path}`)]);
        expect(invalid.sort()).toEqual([
          ['filters', ['expression_too_deep nodes[1].config.fields.v']],
          ['path', ['expression_too_deep nodes[1].config.fields.v']],
          ['sum', ['expression_too_deep nodes[1].config.fields.v']],
        ]);
        expect((await api('POST', '/w/deep/greet', { name: 'Ada' })).body).toEqual({ message: 'Hello, Ada!' });
        // Saving the same expression over HTTP is a 400 naming the field, not a 500.
        const saved = await api('POST', '/api/v1/projects/deep/workflows', { ...GREET, id: 'again', visibility: 'internal', endpoint: undefined, trigger: { type: 'manual' }, nodes: [GREET.nodes[0], { id: 'hello', type: 'set', config: { fields: { v: `{{ ${chains.sum} }}` } } }] });
        expect(saved.status).toBe(400);
        expect(saved.body.error.details.issues).toEqual([expect.objectContaining({ code: 'expression_too_deep', path: 'nodes[1].config.fields.v' })]);
      } finally {
        hub.proc.kill('SIGTERM');
        await hub.exited;
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('a hub that cannot open its workflow store exits with an error instead of hanging', async () => {
    const data = mkdtempSync(join(tmpdir(), 'rh-unopenable-'));
    try {
      mkdirSync(join(data, 'workflows.sqlite'));
      const failed = await spawnHub(['--data', data]).then(
        () => 'listening',
        (error: Error) => error.message,
      );
      expect(failed).toMatch(/^hub exited with 1 before listening/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
