import { describe, expect, it } from 'vitest';
import { jsonResponse, scriptedHttp, testEngine } from '../testing/harness.js';
import { GREET_WORKFLOW as greet } from '../testing/fixtures.js';


const manual = (body: unknown) => ({ type: 'manual' as const, body });

function wf(id: string, nodes: unknown[], edges: unknown[], extra: Record<string, unknown> = {}) {
  return { id, name: id, nodes: [{ id: 'start', type: 'trigger' }, ...nodes], edges, ...extra };
}

describe('runner', () => {
  it('runs the greet example and persists every step before answering', async () => {
    const t = await testEngine([greet]);
    const started = await t.engine.startRun({ project: 'demo', workflow: 'greet', trigger: manual({ name: 'Ada' }) });
    expect(started.status).toBe('succeeded');
    expect(started.output).toEqual({ message: 'Hello, Ada!' });
    const stored = await t.engine.getRun(started.id);
    expect(stored?.run).toMatchObject({ status: 'succeeded', output: { message: 'Hello, Ada!' }, version: 1 });
    expect(stored?.steps.map((s) => [s.nodeId, s.status, s.attempt, s.seq])).toEqual([
      ['start', 'succeeded', 1, 1],
      ['hello', 'succeeded', 1, 2],
    ]);
  });

  it('emits a workflow span with one node span per step', async () => {
    const t = await testEngine([greet]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'greet', trigger: manual({ name: 'Ada' }) });
    const runSpans = t.spans.filter((s) => s.kind === 'workflow');
    const nodeSpans = t.spans.filter((s) => s.kind === 'node');
    expect(runSpans.at(-1)).toMatchObject({ traceId: run.traceId, spanId: run.spanId, parentSpanId: null, service: 'demo', name: 'Greet', status: 'ok', sessionId: run.id });
    expect(nodeSpans.map((s) => [s.name, s.parentSpanId, s.status])).toEqual([
      ['Webhook', run.spanId, 'ok'],
      ['Say hello', run.spanId, 'ok'],
    ]);
    expect(nodeSpans[1]?.output).toEqual({ message: 'Hello, Ada!' });
  });

  it('routes condition branches, skips the other branch and merges', async () => {
    const def = wf(
      'branch',
      [
        { id: 'check', type: 'condition', config: { condition: '{{ trigger.body.n > 10 }}' } },
        { id: 'big', type: 'set', config: { fields: { size: 'big' } } },
        { id: 'small', type: 'set', config: { fields: { size: 'small' } } },
        { id: 'after', type: 'transform', config: { value: '{{ input.size }}!' } },
        { id: 'all', type: 'merge', config: { mode: 'object' } },
      ],
      [
        { source: 'start', target: 'check' },
        { source: 'check', sourceOutput: 'true', target: 'big' },
        { source: 'check', sourceOutput: 'false', target: 'small' },
        { source: 'big', target: 'after' },
        { source: 'small', target: 'after' },
        { source: 'big', target: 'all' },
        { source: 'small', target: 'all' },
        { source: 'after', target: 'all' },
      ],
      { settings: { outputNode: 'all' } },
    );
    const t = await testEngine([def]);
    const big = await t.engine.startRun({ project: 'demo', workflow: 'branch', trigger: manual({ n: 50 }) });
    expect(big.output).toEqual({ big: { size: 'big' }, after: 'big!' });
    const small = await t.engine.startRun({ project: 'demo', workflow: 'branch', trigger: manual({ n: 1 }) });
    expect(small.output).toEqual({ small: { size: 'small' }, after: 'small!' });
    const steps = (await t.engine.getRun(small.id))?.steps.map((s) => s.nodeId);
    expect(steps).not.toContain('big');
  });

  it('switches on a value with one output per case', async () => {
    const def = wf(
      'plan',
      [
        { id: 'sw', type: 'condition', config: { mode: 'switch', value: '{{ trigger.body.plan }}', cases: ['free', 'pro'] } },
        { id: 'free', type: 'transform', config: { value: 'F' } },
        { id: 'pro', type: 'transform', config: { value: 'P' } },
        { id: 'other', type: 'transform', config: { value: 'O' } },
      ],
      [
        { source: 'start', target: 'sw' },
        { source: 'sw', sourceOutput: 'free', target: 'free' },
        { source: 'sw', sourceOutput: 'pro', target: 'pro' },
        { source: 'sw', sourceOutput: 'default', target: 'other' },
      ],
    );
    const t = await testEngine([def]);
    const outputs = [];
    for (const plan of ['pro', 'free', 'enterprise']) outputs.push((await t.engine.startRun({ project: 'demo', workflow: 'plan', trigger: manual({ plan }) })).output);
    expect(outputs).toEqual(['P', 'F', 'O']);
  });

  it('loops over items, nested loops included', async () => {
    const def = wf(
      'loops',
      [
        { id: 'rows', type: 'loop', config: { items: '{{ trigger.body.rows }}' } },
        { id: 'cells', type: 'loop', config: { items: '{{ input }}' } },
        { id: 'double', type: 'transform', config: { value: '{{ input * 2 + loop.index * 0 }}' } },
        { id: 'sum', type: 'transform', config: { value: '{{ input | sum }}' } },
        { id: 'out', type: 'set', config: { fields: { sums: '{{ input }}', last: '{{ nodes.double.output }}' } } },
      ],
      [
        { source: 'start', target: 'rows' },
        { source: 'rows', sourceOutput: 'item', target: 'cells' },
        { source: 'cells', sourceOutput: 'item', target: 'double' },
        { source: 'double', target: 'cells' },
        { source: 'cells', sourceOutput: 'done', target: 'sum' },
        { source: 'sum', target: 'rows' },
        { source: 'rows', sourceOutput: 'done', target: 'out' },
      ],
    );
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'loops', trigger: manual({ rows: [[1, 2], [3], []] }) });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ sums: [6, 6, 0], last: 6 });
    const steps = (await t.engine.getRun(run.id))!.steps;
    expect(steps.filter((s) => s.nodeId === 'double').map((s) => s.visit)).toEqual([1, 2, 3]);
  });

  it('loops over an empty list straight to done', async () => {
    const def = wf(
      'empty',
      [
        { id: 'each', type: 'loop', config: { items: '{{ trigger.body.items }}' } },
        { id: 'x', type: 'transform', config: { value: 1 } },
        { id: 'out', type: 'transform', config: { value: '{{ input | length }}' } },
      ],
      [
        { source: 'start', target: 'each' },
        { source: 'each', sourceOutput: 'item', target: 'x' },
        { source: 'x', target: 'each' },
        { source: 'each', sourceOutput: 'done', target: 'out' },
      ],
    );
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'empty', trigger: manual({ items: [] }) });
    expect(run.output).toBe(0);
  });

  it('fails a node with a clear error naming node, field and expression', async () => {
    const def = wf('bad', [{ id: 'b', type: 'transform', config: { value: '{{ trigger.body.items | upper }}' } }], [{ source: 'start', target: 'b' }]);
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'bad', trigger: manual({ items: [1] }) });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'EXPRESSION_ERROR',
      nodeId: 'b',
      field: 'value',
      message: 'node "b", field "value": upper needs a string, not array in {{ trigger.body.items | upper }}',
    });
    const loop = wf(
      'badloop',
      [
        { id: 'each', type: 'loop', config: { items: '{{ trigger.body }}' } },
        { id: 'x', type: 'transform', config: { value: 1 } },
      ],
      [
        { source: 'start', target: 'each' },
        { source: 'each', sourceOutput: 'item', target: 'x' },
        { source: 'x', target: 'each' },
      ],
    );
    const t2 = await testEngine([loop]);
    const bad = await t2.engine.startRun({ project: 'demo', workflow: 'badloop', trigger: manual('nope') });
    expect(bad.error).toMatchObject({ code: 'LOOP_INPUT', nodeId: 'each' });
  });

  it('fails a node whose output is too large, and the run with it', async () => {
    const def = wf('huge', [{ id: 'h', type: 'transform', config: { value: '{{ trigger.body.s + trigger.body.s }}' } }], [{ source: 'start', target: 'h' }]);
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'huge', trigger: manual({ s: 'x'.repeat(5 * 1024 * 1024) }) });
    expect(run.error).toMatchObject({ code: 'OUTPUT_TOO_LARGE', nodeId: 'h' });
  });

  it('continues on error or routes the error to an error output', async () => {
    const http = scriptedHttp(() => jsonResponse(404, { nope: true }));
    const def = wf(
      'errs',
      [
        { id: 'a', type: 'http', config: { url: 'http://api.test/a' }, onError: 'continue' },
        { id: 'b', type: 'http', config: { url: 'http://api.test/b' }, onError: 'output' },
        { id: 'ok', type: 'transform', config: { value: 'never' } },
        { id: 'handled', type: 'transform', config: { value: '{{ input.error.status }} {{ nodes.a.output.error.code }}' } },
      ],
      [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'ok' },
        { source: 'b', sourceOutput: 'error', target: 'handled' },
      ],
    );
    const t = await testEngine([def], { http });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'errs', trigger: manual({}) });
    const done = await t.engine.waitForRun(run.id);
    expect(done).toMatchObject({ status: 'succeeded', output: '404 HTTP_STATUS' });
  });

  it('answers as soon as a respond node runs, while the run goes on', async () => {
    const def = wf(
      'early',
      [
        { id: 'r', type: 'respond', config: { status: 202, body: { accepted: '{{ trigger.body.id }}' }, headers: { 'X-Id': '{{ trigger.body.id }}' } } },
        { id: 'later', type: 'wait', config: { duration: '1h' } },
      ],
      [
        { source: 'start', target: 'r' },
        { source: 'r', target: 'later' },
      ],
    );
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'early', trigger: manual({ id: 7 }) });
    expect(run.status).toBe('waiting');
    expect(await t.engine.waitForResponse(run.id)).toEqual({ response: { status: 202, headers: { 'x-id': '7' }, body: { accepted: 7 } } });
    await t.clock.advance(3600_000);
    expect((await t.engine.waitForRun(run.id)).status).toBe('succeeded');
  });

  it('redacts secret values a node echoes, everywhere', async () => {
    const secret = 'tok_live_5up3r-s3cr3t';
    const http = scriptedHttp((request) => jsonResponse(200, { echoed: request.headers.authorization, note: `key=${secret}` }));
    const def = wf(
      'leak',
      [
        { id: 'call', type: 'http', config: { url: 'http://api.test/echo', headers: { Authorization: 'Bearer {{ secrets.API_TOKEN }}' } } },
        { id: 'bad', type: 'transform', config: { value: '{{ input.body.echoed | nope2 }}' } },
      ],
      [{ source: 'start', target: 'call' }],
    );
    const def2 = { ...def, nodes: def.nodes.slice(0, 2) };
    const t = await testEngine([def2], { http, secrets: { values: () => ({ API_TOKEN: secret }) } });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'leak', trigger: manual({ copy: secret }) });
    const done = await t.engine.waitForRun(run.id);
    expect(http.calls[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    const everything = JSON.stringify([done, await t.engine.getRun(run.id), t.spans]);
    expect(everything).not.toContain(secret);
    expect(done.output).toMatchObject({ body: { echoed: 'Bearer [secret:API_TOKEN]', note: 'key=[secret:API_TOKEN]' } });
  });
});
