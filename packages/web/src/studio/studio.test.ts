import type { NodeTypeInfo, RunRecord, Span, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { applyChange } from './changes';
import { copySelection, pasteChange } from './clipboard';
import { completeExpression, type ExpressionContext } from './expressions';
import { addAfter, freshId, outputsOf } from './graph';
import { layoutPositions } from './layout';
import { applyRunSpans, emptyLiveRun, runStateFromSteps } from './run-state';
import { mapIssues } from './validation';

const wf: WorkflowDefinition = {
  id: 'w',
  name: 'W',
  visibility: 'internal',
  trigger: { type: 'manual' },
  settings: {},
  nodes: [
    { id: 'start', type: 'trigger', config: {} },
    { id: 'check', type: 'condition', config: { condition: '{{ input.ok }}' } },
    { id: 'yes', type: 'set', config: {} },
  ],
  edges: [
    { source: 'start', target: 'check' },
    { source: 'check', sourceOutput: 'true', target: 'yes' },
  ],
};
const condition = { type: 'condition', name: 'Condition', category: 'logic', description: '', fields: [], outputs: ['true', 'false'], dynamicOutputs: 'cases' } satisfies NodeTypeInfo;

describe('graph helpers', () => {
  it('outputs: static, switch cases + default, error when routed', () => {
    expect(outputsOf(wf.nodes[1]!, condition)).toEqual(['true', 'false']);
    expect(outputsOf({ ...wf.nodes[1]!, config: { mode: 'switch', cases: ['a', 'b'] } }, condition)).toEqual(['a', 'b', 'default']);
    expect(outputsOf({ ...wf.nodes[2]!, onError: 'output' }, undefined)).toEqual(['main', 'error']);
  });

  it('fresh ids never clash', () => {
    expect(freshId('set', ['set', 'set_2'])).toBe('set_3');
    expect(freshId('HTTP Request', [])).toBe('http_request');
  });

  it('adding after a condition connects its first free output', () => {
    const change = addAfter(wf, { id: 'no', type: 'set', config: {} }, wf.nodes[1], condition);
    const next = applyChange(wf, change);
    expect(next.edges.at(-1)).toEqual({ source: 'check', sourceOutput: 'false', target: 'no' });
  });
});

describe('clipboard', () => {
  it('copy then paste renames clashing ids and keeps the edges among the copies', () => {
    const text = copySelection(wf, ['check', 'yes']);
    const pasted = pasteChange(wf, text)!;
    const next = applyChange(wf, pasted.change);
    expect(pasted.ids).toEqual(['check_2', 'yes_2']);
    expect(next.edges.at(-1)).toEqual({ source: 'check_2', sourceOutput: 'true', target: 'yes_2' });
  });

  it('a pasted whole workflow drops its second trigger; not JSON is ignored', () => {
    const pasted = pasteChange(wf, JSON.stringify(wf))!;
    expect(pasted.ids).not.toContain('start_2');
    expect(applyChange(wf, pasted.change).edges).toContainEqual({ source: 'start', target: 'check_2' });
    expect(pasted.needsLayout).toBe(true);
    expect(pasteChange(wf, 'hello')).toBeUndefined();
    expect(pasteChange(wf, '{"nodes":[{"id":1}]}')).toBeUndefined();
  });

  it('pins travel with their nodes (renamed), a pasted workflow brings its sticky notes', () => {
    const pinnedWf: WorkflowDefinition = { ...wf, pinned: { yes: { v: 1 }, start: { t: 1 } } };
    const copied = JSON.parse(copySelection(pinnedWf, ['yes'])) as { pinned: unknown };
    expect(copied.pinned).toEqual({ yes: { v: 1 } });
    const whole = { ...pinnedWf, stickyNotes: [{ id: 'why', text: 'read me', position: { x: 0, y: -100 }, width: 240, height: 140 }] };
    const target: WorkflowDefinition = { ...wf, stickyNotes: [{ id: 'why', text: 'mine', position: { x: 0, y: 0 }, width: 240, height: 140 }] };
    const next = applyChange(target, pasteChange(target, JSON.stringify(whole))!.change);
    // The trigger folded into the existing one keeps no pin; the pasted `yes` is `yes_2`.
    expect(next.pinned).toEqual({ yes_2: { v: 1 } });
    expect(next.stickyNotes?.map((n) => [n.id, n.text, n.position])).toEqual([
      ['why', 'mine', { x: 0, y: 0 }],
      ['why_2', 'read me', { x: 40, y: -60 }],
    ]);
  });
});

describe('layout', () => {
  it('places nodes left to right along the edges', async () => {
    const positions = await layoutPositions(wf);
    expect(positions.start!.x).toBeLessThan(positions.check!.x);
    expect(positions.check!.x).toBeLessThan(positions.yes!.x);
  });
});

describe('validation issues', () => {
  it('are grouped by node and field, from nodeId or from the path', () => {
    const map = mapIssues(
      [
        { code: 'missing_field', message: 'URL is required', path: 'nodes[1].config.condition', nodeId: 'check', field: 'condition' },
        { code: 'x', message: 'by path', path: 'nodes[2].config.fields' },
        { code: 'endpoint', message: 'endpoint', path: 'endpoint.path' },
      ],
      [{ code: 'unreachable', message: 'unreachable', path: 'nodes[2]', nodeId: 'yes' }],
      wf.nodes.map((n) => n.id),
    );
    expect(map.nodes.check!.fields.condition).toEqual([{ severity: 'error', message: 'URL is required' }]);
    expect(map.nodes.yes!.fields.fields![0]!.message).toBe('by path');
    expect(map.nodes.yes!.warnings).toHaveLength(1);
    expect(map.workflow).toHaveLength(1);
  });
});

function nodeSpan(seq: number, nodeId: string, status: string, attempt = 1, extra: Record<string, unknown> = {}): Span {
  return {
    traceId: 't', spanId: `${nodeId}${attempt}`, parentSpanId: 'r', service: 'p', name: nodeId, kind: 'node', startTime: 0,
    endTime: status === 'running' ? null : 5, durationMs: status === 'running' ? null : 5, status: status === 'succeeded' ? 'ok' : status === 'running' ? 'running' : 'error',
    sessionId: 'run1', seq, attributes: { 'workflow.run.id': 'run1', 'workflow.node.id': nodeId, 'workflow.node.visit': 1, 'workflow.node.attempt': attempt, 'workflow.step.status': status, ...extra },
  } as Span;
}

describe('live run state', () => {
  it('the latest attempt wins whatever the arrival order; retries show as retrying', () => {
    const spans = [nodeSpan(1, 'call', 'running'), nodeSpan(2, 'call', 'failed', 1, { 'workflow.retry.at': '2026-01-01T00:00:00Z' }), nodeSpan(4, 'call', 'succeeded', 2), nodeSpan(3, 'call', 'running', 2)];
    const state = applyRunSpans(emptyLiveRun('run1'), spans);
    expect(state.nodes.call).toMatchObject({ status: 'succeeded', attempt: 2, visits: 1 });
    const mid = applyRunSpans(emptyLiveRun('run1'), spans.slice(0, 2));
    expect(mid.nodes.call!.status).toBe('retrying');
    expect(applyRunSpans(state, [nodeSpan(1, 'call', 'running')])).toBe(state);
  });

  it('a node in a loop counts its visits, in any arrival order', () => {
    const spans = Array.from({ length: 1000 }, (_, i) => ({ ...nodeSpan(1000 - i, 'body', 'succeeded'), attributes: { 'workflow.run.id': 'run1', 'workflow.node.id': 'body', 'workflow.node.visit': 1000 - i, 'workflow.node.attempt': 1, 'workflow.step.status': 'succeeded' } }));
    const state = applyRunSpans(emptyLiveRun('run1'), spans.reverse());
    expect(state.nodes.body).toMatchObject({ visits: 1000, status: 'succeeded' });
  });

  it('stored steps give the same picture', () => {
    const steps = [
      { runId: 'run1', nodeId: 'a', nodeType: 'set', visit: 1, attempt: 1, status: 'succeeded', startedAt: 0, endedAt: 4, spanId: 's', seq: 1 },
      { runId: 'run1', nodeId: 'b', nodeType: 'http', visit: 1, attempt: 1, status: 'failed', startedAt: 0, endedAt: 4, retryAt: 9, spanId: 's2' },
    ] as StepRecord[];
    const state = runStateFromSteps({ id: 'run1', status: 'running' } as RunRecord, steps);
    expect(state.nodes.a!.status).toBe('succeeded');
    expect(state.nodes.b).toMatchObject({ status: 'retrying', dueAt: 9 });
  });
});

describe('expression completion', () => {
  const context: ExpressionContext = {
    nodes: [{ id: 'hello', output: { message: 'Hi', user: { name: 'Ada' } } }],
    env: ['API_URL'],
    secrets: ['TOKEN'],
    filters: ['upper', 'lower'],
    trigger: { body: { name: 'Ada' } },
  };
  const labels = (text: string) => completeExpression(text, context)?.options.map((o) => o.label);

  it('offers roots, node ids, output fields from the last run, env, secrets and filters', () => {
    expect(labels('Hello {{ ')).toContain('nodes');
    expect(labels('{{ nodes.')).toEqual(['hello']);
    expect(labels('{{ nodes.hello.output.')).toEqual(['message', 'user']);
    expect(labels('{{ nodes.hello.output.user.n')).toEqual(['name']);
    expect(labels('{{ trigger.body.')).toEqual(['name']);
    expect(labels('{{ env.')).toEqual(['API_URL']);
    expect(labels('{{ secrets.')).toEqual(['TOKEN']);
    expect(labels('{{ input.name | up')).toEqual(['upper']);
  });

  it('nothing outside {{ }}', () => {
    expect(completeExpression('plain text', context)).toBeUndefined();
    expect(completeExpression('{{ a }} after', context)).toBeUndefined();
  });

  it('replaces from the start of the word', () => {
    expect(completeExpression('x {{ nodes.he', context)!.from).toBe('x {{ nodes.'.length);
  });
});

describe('workflow diff', () => {
  it('names added, removed and changed nodes per field, edges and workflow keys', async () => {
    const { diffWorkflows, isEmptyDiff } = await import('./diff');
    const after: WorkflowDefinition = {
      ...wf,
      name: 'W2',
      nodes: [wf.nodes[0]!, { ...wf.nodes[1]!, name: 'Check', config: { condition: '{{ input.fine }}' } }, { id: 'no', type: 'set', config: {} }],
      edges: [wf.edges[0]!, { source: 'check', sourceOutput: 'false', target: 'no' }],
    };
    const diff = diffWorkflows(wf, after);
    expect(diff).toEqual({
      added: ['no'],
      removed: ['yes'],
      changed: [{ id: 'check', fields: ['name', 'config.condition'] }],
      edgesAdded: ['check:false->no'],
      edgesRemoved: ['check:true->yes'],
      workflow: ['name'],
    });
    expect(isEmptyDiff(diffWorkflows(wf, structuredClone(wf)))).toBe(true);
    // A pin and the sticky notes are changes too: the node's `pinned`, the workflow's `stickyNotes`.
    const pinned = { ...wf, pinned: { check: { ok: true } }, stickyNotes: [{ id: 'n', text: 'why', position: { x: 0, y: 0 }, width: 240, height: 140 }] };
    expect(diffWorkflows(wf, pinned)).toMatchObject({ changed: [{ id: 'check', fields: ['pinned'] }], workflow: ['stickyNotes'] });
  });
});
