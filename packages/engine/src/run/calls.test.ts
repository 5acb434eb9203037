import { describe, expect, it } from 'vitest';
import { testEngine } from '../testing/harness.js';

const manual = (body: unknown = {}) => ({ type: 'manual' as const, body });

const child = {
  id: 'child',
  name: 'Child',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'calc', type: 'transform', config: { value: { doubled: '{{ trigger.body.n * 2 }}', caller: '{{ trigger.callerNodeId }}' } } },
  ],
  edges: [{ source: 'start', target: 'calc' }],
};

const parent = {
  id: 'parent',
  name: 'Parent',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'call', type: 'workflow', name: 'Call child', config: { workflow: 'child', input: { n: '{{ trigger.body.n }}' } } },
    { id: 'out', type: 'set', config: { fields: { result: '{{ input.doubled }}' } } },
  ],
  edges: [
    { source: 'start', target: 'call' },
    { source: 'call', target: 'out' },
  ],
};

describe('workflow calls', () => {
  it('runs a local sub-workflow in-process and nests its spans under the calling node', async () => {
    const t = await testEngine([child, parent]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'parent', trigger: manual({ n: 21 }) });
    const done = await t.engine.waitForRun(run.id);
    expect(done).toMatchObject({ status: 'succeeded', output: { result: 42 } });
    const callStep = (await t.engine.getRun(run.id))!.steps.find((s) => s.nodeId === 'call')!;
    const childRun = (await t.engine.getRun(callStep.childRunId!))!.run;
    expect(childRun).toMatchObject({ parentRunId: run.id, parentNodeId: 'call', traceId: run.traceId, rootRunId: run.id, depth: 1, output: { doubled: 42, caller: 'call' } });
    const childSpan = t.spans.find((s) => s.kind === 'workflow' && s.spanId === childRun.spanId && s.endTime !== undefined);
    expect(childSpan).toMatchObject({ parentSpanId: callStep.spanId, traceId: run.traceId, sessionId: run.id, name: 'Child' });
  });

  it('fails the calling node when the called run fails, and stops runaway recursion', async () => {
    const failing = { ...child, nodes: [child.nodes[0], { id: 'calc', type: 'transform', config: { value: '{{ 1 / 0 }}' } }] };
    const t = await testEngine([failing, parent]);
    const done = await t.engine.waitForRun((await t.engine.startRun({ project: 'demo', workflow: 'parent', trigger: manual({ n: 1 }) })).id);
    expect(done.error).toMatchObject({ code: 'CALL_FAILED', nodeId: 'call' });

    const recursive = { ...parent, id: 'self', nodes: [parent.nodes[0], { id: 'call', type: 'workflow', config: { workflow: 'self' } }], edges: [parent.edges[0]] };
    const t2 = await testEngine([recursive]);
    const deep = await t2.engine.waitForRun((await t2.engine.startRun({ project: 'demo', workflow: 'self', trigger: manual() })).id);
    expect(deep.status).toBe('failed');
    expect(JSON.stringify(deep.error)).toMatch(/CALL_DEPTH_EXCEEDED|nested deeper/);
  });

  it('cancelling the caller cancels the called run', async () => {
    const waiting = { ...child, nodes: [child.nodes[0], { id: 'calc', type: 'wait', config: { duration: '1h' } }] };
    const t = await testEngine([waiting, parent]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'parent', trigger: manual({ n: 1 }) });
    await t.clock.advance(0);
    const callStep = (await t.engine.getRun(run.id))!.steps.find((s) => s.nodeId === 'call')!;
    await t.engine.cancel(run.id);
    await t.clock.advance(0);
    expect((await t.engine.getRun(callStep.childRunId!))!.run.status).toBe('cancelled');
  });

  it('a caller and its called run both resume after a restart, without starting a second child', async () => {
    const waiting = { ...child, nodes: [child.nodes[0], { id: 'calc', type: 'wait', config: { duration: '1h' } }] };
    const t = await testEngine([waiting, parent]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'parent', trigger: manual({ n: 1 }) });
    await t.clock.advance(0);
    const t2 = await t.restart();
    await t2.clock.advance(3600_000);
    const done = await t2.engine.waitForRun(run.id);
    expect(done.status).toBe('succeeded');
    const all = await t2.store.listRuns({ limit: 100 });
    expect(all.runs.filter((r) => r.workflow === 'child')).toHaveLength(1);
  });
});
