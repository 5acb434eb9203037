import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmTestServer } from '@runtime-hub/engine/testing';
import { startTestHub, type TestHub } from '../testing/test-hub.js';
import { GREET, apiClient, eventually } from './testing.js';

let hub: TestHub;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
  hub = await startTestHub();
  api = apiClient(hub.url);
  expect((await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' })).status).toBe(201);
});
afterAll(() => hub.close());

const waitRun = (runId: string) =>
  eventually(async () => {
    const { body } = await api('GET', `/api/v1/runs/${runId}`);
    return ['succeeded', 'failed', 'cancelled'].includes(body.run?.status) ? body : undefined;
  }, 10_000, `run ${runId}`);

describe('workflow API', () => {
  it('runs the greet example of the issue as written', async () => {
    const saved = await api('POST', '/api/v1/projects/demo/workflows', GREET);
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

  it('keeps projects as folders of canonical, pretty-printed JSON', async () => {
    const folder = join(hub.dataDir, 'projects', 'demo');
    const project = readFileSync(join(folder, 'project.json'), 'utf8');
    expect(project).toBe(
      '{\n  "id": "demo",\n  "name": "Demo",\n  "description": "",\n  "version": "0.1.0",\n  "settings": {\n    "allowCode": false,\n    "allowShell": false\n  },\n  "env": {}\n}\n',
    );
    const file = readFileSync(join(folder, 'greet.json'), 'utf8');
    expect(Object.keys(JSON.parse(file))).toEqual(['id', 'name', 'project', 'version', 'visibility', 'endpoint', 'trigger', 'settings', 'nodes', 'edges']);
    // Saving the same definition with its keys in another order writes the same text.
    const shuffled = { edges: GREET.edges, nodes: GREET.nodes, trigger: GREET.trigger, endpoint: GREET.endpoint, visibility: 'public', name: 'Greet' };
    await api('PUT', '/api/v1/projects/demo/workflows/greet', shuffled);
    expect(readFileSync(join(folder, 'greet.json'), 'utf8')).toBe(file.replace('"version": 1', '"version": 2'));
  });

  it('rejects invalid definitions with precise errors naming node and field', async () => {
    const bad = await api('POST', '/api/v1/projects/demo/workflows', {
      id: 'bad',
      name: 'Bad',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'x', type: 'warp-drive' },
        { id: 'call', type: 'http', config: {} },
        { id: 'a', type: 'set', config: { fields: { v: '{{ nodes.nope.output }}' } } },
      ],
      edges: [
        { source: 'start', target: 'call' },
        { source: 'call', target: 'ghost' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('WORKFLOW_INVALID');
    expect(bad.body.error.details.issues.map((i: { code: string; nodeId?: string; path: string }) => [i.code, i.nodeId ?? null, i.path])).toEqual([
      ['unknown_node_type', 'x', 'nodes[1].type'],
      ['missing_field', 'call', 'nodes[2].config.url'],
      ['unknown_reference', 'a', 'nodes[3].config.fields.v'],
      ['dangling_edge', null, 'edges[1].target'],
    ]);
    const cycle = await api('POST', '/api/v1/projects/demo/workflows', {
      id: 'cyc',
      name: 'Cycle',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'a', type: 'transform', config: { value: 1 } },
        { id: 'b', type: 'transform', config: { value: 2 } },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    });
    expect(cycle.body.error.details.issues[0]).toMatchObject({ code: 'cycle', nodeId: 'a' });
    const clash = await api('POST', '/api/v1/projects/demo/workflows', { ...GREET, id: 'greet2', endpoint: { method: 'POST', path: '/greet/' } });
    expect(clash.body.error.details.issues[0]).toMatchObject({ code: 'endpoint_clash', path: 'endpoint.path' });
    const huge = await api('POST', '/api/v1/projects/demo/workflows', { ...GREET, id: 'huge', description: 'x'.repeat(1_500_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('DEFINITION_TOO_LARGE');
    const notJson = await api('POST', '/api/v1/projects/demo/workflows', '{"id": ');
    expect(notJson.status).toBe(400);
    expect((await api('GET', '/api/health')).status).toBe(200);
  });

  it('detects concurrent edits by version', async () => {
    const current = (await api('GET', '/api/v1/projects/demo/workflows/greet')).body.workflow;
    expect((await api('PUT', '/api/v1/projects/demo/workflows/greet', { ...current, name: 'Greet v3' })).body.workflow.version).toBe(current.version + 1);
    const stale = await api('PUT', '/api/v1/projects/demo/workflows/greet', { ...current, name: 'Stale' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: current.version + 1 } });
  });

  it('never serves internal workflows over HTTP, and answers 404 for unknown endpoints', async () => {
    const internal = { ...GREET, id: 'inside', visibility: 'internal', endpoint: undefined, trigger: { type: 'manual' } };
    expect((await api('POST', '/api/v1/projects/demo/workflows', internal)).status).toBe(201);
    const missing = await api('POST', '/w/demo/inside', {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ENDPOINT_NOT_FOUND');
    expect((await api('GET', '/w/demo/greet')).status).toBe(404);
    expect((await api('POST', '/w/nope/greet', {})).status).toBe(404);
    const manual = await api('POST', '/api/v1/projects/demo/workflows/inside/runs?wait=true', { name: 'Bo' });
    expect(manual.body).toMatchObject({ status: 'succeeded', output: { message: 'Hello, Bo!' } });
  });

  it('starts, lists, cancels and re-runs runs', async () => {
    const waiting = {
      id: 'slow',
      name: 'Slow',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'pause', type: 'wait', config: { duration: '1h' } },
      ],
      edges: [{ source: 'start', target: 'pause' }],
    };
    await api('POST', '/api/v1/projects/demo/workflows', waiting);
    const started = await api('POST', '/api/v1/projects/demo/workflows/slow/runs', { n: 1 });
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('waiting');
    const listed = await api('GET', '/api/v1/runs?project=demo&workflow=slow&status=waiting');
    expect(listed.body.runs.map((r: { id: string }) => r.id)).toEqual([started.body.runId]);
    const cancelled = await api('POST', `/api/v1/runs/${started.body.runId}/cancel`);
    expect(cancelled.body.run.status).toBe('cancelled');
    expect((await api('POST', `/api/v1/runs/${started.body.runId}/cancel`)).status).toBe(409);
    const again = await api('POST', `/api/v1/runs/${started.body.runId}/rerun`, { fromNode: 'pause' });
    expect(again.status).toBe(201);
    const rerun = await api('GET', `/api/v1/runs/${again.body.runId}`);
    expect(rerun.body.run).toMatchObject({ rerunOf: started.body.runId, rerunFrom: 'pause', trigger: { body: { n: 1 } } });
    expect(rerun.body.steps[0]).toMatchObject({ nodeId: 'start', reused: true });
    expect((await api('GET', '/api/v1/runs/0123')).status).toBe(400);
    expect((await api('GET', `/api/v1/runs/${'f'.repeat(32)}`)).body.error.code).toBe('RUN_NOT_FOUND');
    expect((await api('GET', '/api/v1/runs?cursor=bogus')).body.error.code).toBe('INVALID_CURSOR');
  });

  it('shows every run as spans: a workflow span with node spans, sub-workflows nested under their caller', async () => {
    const caller = {
      id: 'caller',
      name: 'Caller',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'workflow', name: 'Call inside', config: { workflow: 'inside', input: { name: 'Cy' } } },
      ],
      edges: [{ source: 'start', target: 'call' }],
    };
    await api('POST', '/api/v1/projects/demo/workflows', caller);
    const run = await api('POST', '/api/v1/projects/demo/workflows/caller/runs?wait=true', {});
    expect(run.body.output).toEqual({ message: 'Hello, Cy!' });
    const detail = (await api('GET', `/api/v1/runs/${run.body.runId}`)).body;
    const trace = await eventually(async () => {
      const { body } = await api('GET', `/api/v1/traces/${detail.run.traceId}`);
      return body.spans?.length === 6 && body.spans.every((s: { endTime: number | null }) => s.endTime !== null) ? body : undefined;
    });
    const byName = Object.fromEntries(trace.spans.map((s: { name: string }) => [s.name, s]));
    expect(byName.Caller).toMatchObject({ kind: 'workflow', parentSpanId: null, service: 'demo', status: 'ok', sessionId: run.body.runId });
    expect(byName['Call inside']).toMatchObject({ kind: 'node', parentSpanId: byName.Caller.spanId });
    expect(byName.Greet).toMatchObject({ kind: 'workflow', parentSpanId: byName['Call inside'].spanId, sessionId: run.body.runId });
    expect(byName['Say hello']).toMatchObject({ kind: 'node', parentSpanId: byName.Greet.spanId, output: { message: 'Hello, Cy!' } });
  });

  it('lists node types with their config fields', async () => {
    const { body } = await api('GET', '/api/v1/node-types');
    const types = body.nodeTypes.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(['trigger', 'http', 'code', 'shell', 'condition', 'wait', 'set', 'transform', 'merge', 'loop', 'notification', 'llm', 'workflow', 'respond']));
    const http = body.nodeTypes.find((t: { type: string }) => t.type === 'http');
    expect(http.fields.find((f: { name: string }) => f.name === 'url')).toMatchObject({ type: 'string', required: true, help: expect.any(String) });
    expect(body.triggers.map((t: { type: string }) => t.type)).toEqual(['manual', 'webhook', 'cron']);
  });

  it('refuses shell and code nodes unless the project enables them', async () => {
    const shell = {
      id: 'sh',
      name: 'Shell',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'run', type: 'shell', config: { command: 'echo "$GREETING"', env: { GREETING: 'hi {{ trigger.body.who }}' } } },
      ],
      edges: [{ source: 'start', target: 'run' }],
    };
    await api('POST', '/api/v1/projects/demo/workflows', shell);
    const refused = await api('POST', '/api/v1/projects/demo/workflows/sh/runs?wait=true', { who: 'me' });
    expect(refused.body.error).toMatchObject({ code: 'NODE_NOT_ALLOWED', nodeId: 'run' });
    const project = (await api('GET', '/api/v1/projects/demo')).body.project;
    await api('PUT', '/api/v1/projects/demo', { ...project, settings: { allowShell: true, allowCode: true } });
    const allowed = await api('POST', '/api/v1/projects/demo/workflows/sh/runs?wait=true', { who: 'me' });
    expect(allowed.body.output).toMatchObject({ exitCode: 0, stdout: 'hi me\n' });
    const code = {
      id: 'js',
      name: 'Code',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'calc', type: 'code', config: { code: 'return { total: trigger.body.items.reduce((a, b) => a + b, 0), type: typeof process };' } },
      ],
      edges: [{ source: 'start', target: 'calc' }],
    };
    await api('POST', '/api/v1/projects/demo/workflows', code);
    const ran = await api('POST', '/api/v1/projects/demo/workflows/js/runs?wait=true', { items: [1, 2, 3] });
    expect(ran.body.output).toEqual({ total: 6, type: 'undefined' });
  });

  it('exposes cron schedules: next runs, pause and resume', async () => {
    const nightly = {
      id: 'nightly',
      name: 'Nightly',
      trigger: { type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Zurich' },
      nodes: [{ id: 'start', type: 'trigger' }],
      edges: [],
    };
    await api('POST', '/api/v1/projects/demo/workflows', nightly);
    const schedule = await api('GET', '/api/v1/projects/demo/workflows/nightly/schedule');
    expect(schedule.body.schedule).toMatchObject({ expression: '0 3 * * *', timezone: 'Europe/Zurich', paused: false });
    expect(schedule.body.schedule.nextRuns).toHaveLength(5);
    expect(new Set(schedule.body.schedule.nextRuns.map((t: string) => new Date(t).toLocaleTimeString('en-GB', { timeZone: 'Europe/Zurich' })))).toEqual(new Set(['03:00:00']));
    expect((await api('POST', '/api/v1/projects/demo/workflows/nightly/schedule/pause')).body.schedule.paused).toBe(true);
    expect((await api('POST', '/api/v1/projects/demo/workflows/nightly/schedule/resume')).body.schedule.paused).toBe(false);
    expect((await api('GET', '/api/v1/projects/demo/workflows/greet/schedule')).status).toBe(404);
    // A schedule that fires every second really starts runs, with the cron trigger data.
    await api('POST', '/api/v1/projects/demo/workflows', { ...nightly, id: 'tick', trigger: { type: 'cron', expression: '* * * * * *' } });
    const ticked = await eventually(async () => {
      const { body } = await api('GET', '/api/v1/projects/demo/workflows/tick/runs');
      return body.runs.length > 0 ? body.runs[0] : undefined;
    }, 5000, 'a cron run');
    expect(ticked).toMatchObject({ trigger: 'cron', status: 'succeeded' });
    const detail = await api('GET', `/api/v1/runs/${ticked.id}`);
    expect(detail.body.run.trigger).toMatchObject({ type: 'cron', scheduledAt: expect.stringMatching(/T.*Z$/) });
    await api('DELETE', '/api/v1/projects/demo/workflows/tick');
    const preview = await api('GET', '/api/v1/cron/next?expression=*/15%20*%20*%20*%20*&count=3');
    expect(preview.body.nextRuns).toHaveLength(3);
    expect((await api('GET', '/api/v1/cron/next?expression=nope')).status).toBe(400);
  });

  it('answers with a respond node, forms and text bodies, and path parameters', async () => {
    const hook = {
      id: 'hook',
      name: 'Hook',
      visibility: 'public',
      endpoint: { method: 'POST', path: '/orders/:orderId/notes' },
      trigger: { type: 'webhook' },
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'answer', type: 'respond', config: { status: 201, headers: { 'content-type': 'text/plain' }, body: 'order {{ trigger.params.orderId }}: {{ trigger.body.note ?? trigger.body }} ({{ trigger.query.src }})' } },
      ],
      edges: [{ source: 'start', target: 'answer' }],
    };
    expect((await api('POST', '/api/v1/projects/demo/workflows', hook)).status).toBe(201);
    const form = await api('POST', '/w/demo/orders/42/notes?src=form', 'note=hello+there', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(201);
    expect(form.text).toBe('order 42: hello there (form)');
    const text = await api('POST', '/w/demo/orders/7/notes?src=text', 'plain words', { 'content-type': 'text/plain' });
    expect(text.text).toBe('order 7: plain words (text)');
  });

  it('waits for a finished run with ?wait and reports a failed run', async () => {
    const failing = {
      id: 'fails',
      name: 'Fails',
      visibility: 'public',
      endpoint: { method: 'GET', path: '/fails' },
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'boom', type: 'transform', config: { value: '{{ trigger.query.n / 0 }}' } },
      ],
      edges: [{ source: 'start', target: 'boom' }],
    };
    await api('POST', '/api/v1/projects/demo/workflows', failing);
    const answer = await api('GET', '/w/demo/fails?n=1');
    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: 'RUN_FAILED', details: { cause: 'EXPRESSION_ERROR', nodeId: 'boom' } });
    const run = await waitRun(answer.headers.get('x-runtime-hub-run-id') as string);
    expect(run.run.error.message).toMatch(/^node "boom", field "value": /);
  });

  it('calls an LLM through the official client against a local OpenAI-compatible server, tokens and cost on the span', async () => {
    const llm = await startLlmTestServer();
    try {
      await api('PUT', '/api/v1/projects/demo/secrets/OPENAI_API_KEY', { value: 'sk-local-test-000111' });
      const ask = {
        id: 'ask',
        name: 'Ask',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'llm', type: 'llm', name: 'chat gpt-4o-mini', config: { baseUrl: llm.openaiBaseUrl, apiKey: '{{ secrets.OPENAI_API_KEY }}', model: 'gpt-4o-mini', prompt: 'Say {{ trigger.body.word }}' } },
        ],
        edges: [{ source: 'start', target: 'llm' }],
      };
      await api('POST', '/api/v1/projects/demo/workflows', ask);
      const run = await api('POST', '/api/v1/projects/demo/workflows/ask/runs?wait=true', { word: 'hi' });
      expect(run.body.output).toMatchObject({ text: 'echo: Say hi', model: 'gpt-4o-mini', usage: { outputTokens: 3 } });
      const traceId = (await api('GET', `/api/v1/runs/${run.body.runId}`)).body.run.traceId;
      const span = await eventually(async () => {
        const { body } = await api('GET', `/api/v1/traces/${traceId}`);
        return body.spans?.find((s: { name: string; endTime: number | null }) => s.name === 'chat gpt-4o-mini' && s.endTime !== null);
      });
      expect(span.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.output_tokens': 3 });
      expect(span.usage).toMatchObject({ model: 'gpt-4o-mini', outputTokens: 3, costUsd: expect.any(Number) });
    } finally {
      await llm.close();
    }
  });
});
