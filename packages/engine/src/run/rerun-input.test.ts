import { describe, expect, it } from 'vitest';
import { jsonResponse, scriptedHttp, testEngine } from '../testing/harness.js';

/** trigger → a (http) → calc (reads its input and a's output) → b (http, downstream). */
const def = {
  id: 'edited',
  name: 'Edited',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'a', type: 'http', config: { url: 'http://api.test/a' } },
    { id: 'calc', type: 'transform', config: { value: { fromInput: '{{ input.body.n }}', fromA: '{{ nodes.a.output.body.n }}' } } },
    { id: 'b', type: 'http', config: { method: 'POST', url: 'http://api.test/b', body: '{{ input }}' } },
  ],
  edges: [
    { source: 'start', target: 'a' },
    { source: 'a', target: 'calc' },
    { source: 'calc', target: 'b' },
  ],
  settings: { outputNode: 'calc' },
};

describe('re-run from a node with an edited input', () => {
  it('gives the node the edited input, reuses upstream without calling it, runs downstream', async () => {
    const http = scriptedHttp(() => jsonResponse(200, { n: 1 }));
    const t = await testEngine([def], { http });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'edited', trigger: { type: 'manual', body: {} } });
    expect((await t.engine.waitForRun(run.id)).output).toEqual({ fromInput: 1, fromA: 1 });
    expect(http.calls.map((c) => c.url)).toEqual(['http://api.test/a', 'http://api.test/b']);

    const edited = await t.engine.rerun(run.id, { fromNode: 'calc', input: { body: { n: 42 } } });
    expect(await t.engine.waitForRun(edited.id)).toMatchObject({ status: 'succeeded', output: { fromInput: 42, fromA: 1 }, rerunFrom: 'calc', rerunInput: { body: { n: 42 } } });
    // Upstream `a` was reused; only the downstream `b` was called again, with calc's new output.
    expect(http.calls.map((c) => c.url)).toEqual(['http://api.test/a', 'http://api.test/b', 'http://api.test/b']);
    const steps = (await t.engine.getRun(edited.id))!.steps;
    expect(steps.find((s) => s.nodeId === 'calc')?.input).toEqual({ body: { n: 42 } });
    expect(steps.find((s) => s.nodeId === 'a')?.reused).toBe(true);
  });

  it('refuses an edited input without fromNode or on the trigger', async () => {
    const t = await testEngine([def], { http: scriptedHttp(() => jsonResponse(200, { n: 1 })) });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'edited', trigger: { type: 'manual', body: {} } });
    await t.engine.waitForRun(run.id);
    await expect(t.engine.rerun(run.id, { input: { x: 1 } })).rejects.toMatchObject({ code: 'INVALID_RERUN', message: expect.stringContaining('fromNode') });
    await expect(t.engine.rerun(run.id, { fromNode: 'start', input: { x: 1 } })).rejects.toMatchObject({ code: 'INVALID_RERUN', message: expect.stringContaining('trigger') });
  });

  it('masks a secret typed into the edited input before it is stored', async () => {
    const t = await testEngine([def], { http: scriptedHttp(() => jsonResponse(200, { n: 1 })), secrets: { values: () => ({ TOKEN: 'tok-123456' }) } });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'edited', trigger: { type: 'manual', body: {} } });
    await t.engine.waitForRun(run.id);
    const edited = await t.engine.rerun(run.id, { fromNode: 'calc', input: { body: { n: 'tok-123456' } } });
    const done = await t.engine.waitForRun(edited.id);
    expect(JSON.stringify(done)).not.toContain('tok-123456');
    expect(done.rerunInput).toEqual({ body: { n: '[secret:TOKEN]' } });
  });
});

describe('an edited input survives a restart', () => {
  it('the node interrupted by a crash runs again with the edited input, not the recorded one', async () => {
    // trigger → a (http) → b (http, posts its input): the re-run starts from b with an edited input.
    const chain = {
      id: 'chain',
      name: 'Chain',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'a', type: 'http', config: { url: 'http://api.test/a' } },
        { id: 'b', type: 'http', config: { method: 'POST', url: 'http://api.test/b', body: '{{ input.body }}' } },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'b' },
      ],
    };
    const first = scriptedHttp((request) => jsonResponse(200, { from: request.url }));
    const t = await testEngine([chain], { http: first });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'chain', trigger: { type: 'manual', body: {} } });
    await t.engine.waitForRun(run.id);
    // The re-run's call to b never answers: the engine stops (as in a crash) while b runs.
    const hanging = scriptedHttp(() => new Promise(() => undefined));
    const t1 = await t.restart({ http: hanging });
    const edited = await t1.engine.rerun(run.id, { fromNode: 'b', input: { body: { edited: true } } });
    await t1.clock.advance(0);
    expect(hanging.calls.map((c) => c.url)).toEqual(['http://api.test/b']);
    const after = scriptedHttp((request) => jsonResponse(200, { got: request.body }));
    const t2 = await t1.restart({ http: after });
    expect(await t2.engine.waitForRun(edited.id)).toMatchObject({ status: 'succeeded' });
    expect(after.calls.map((c) => [c.url, c.body])).toEqual([['http://api.test/b', JSON.stringify({ edited: true })]]);
  });
});
