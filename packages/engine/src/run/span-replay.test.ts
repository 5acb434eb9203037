import { describe, expect, it } from 'vitest';
import type { RunRecord, SpanRecordInput, StepRecord } from '@runtime-hub/protocol';
import { testEngine } from '../testing/harness.js';
import type { TestEngine } from '../testing/harness.js';

const quick = {
  id: 'quick',
  name: 'Quick',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'hello', type: 'set', config: { fields: { n: '{{ trigger.body.n }}' } } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
};
const slow = {
  id: 'slow',
  name: 'Slow',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'a', type: 'set', config: { fields: { n: '{{ trigger.body.n }}' } } },
    { id: 'pause', type: 'wait', config: { duration: '10s' } },
    { id: 'b', type: 'set', config: { fields: { n: '{{ input.n }}' } } },
  ],
  edges: [
    { source: 'start', target: 'a' },
    { source: 'a', target: 'pause' },
    { source: 'pause', target: 'b' },
  ],
};

/** The span store as it ends up: each record upserts its span (an end record wins). */
function stored(records: readonly SpanRecordInput[]): Map<string, SpanRecordInput> {
  const spans = new Map<string, SpanRecordInput>();
  for (const record of records) {
    const current = spans.get(String(record.spanId));
    if (!current || record.endTime !== undefined || current.endTime === undefined) spans.set(String(record.spanId), record);
  }
  return spans;
}

/** Every run's spans must say what its steps say: one span per step, ended iff the step ended. */
async function expectSpansMatchSteps(t: TestEngine, runs: readonly RunRecord[], records: readonly SpanRecordInput[]): Promise<void> {
  const spans = stored(records);
  for (const { id } of runs) {
    const detail = await t.engine.getRun(id);
    const run = detail?.run as RunRecord;
    expect(spans.get(run.spanId), `run span of ${id}`).toMatchObject({ kind: 'workflow', status: run.status === 'succeeded' ? 'ok' : 'error', endTime: run.endedAt });
    for (const step of detail?.steps as StepRecord[]) {
      const span = spans.get(step.spanId);
      const finished = ['succeeded', 'failed', 'cancelled'].includes(step.status);
      expect(span, `span of ${id}/${step.nodeId}`).toBeDefined();
      expect(span?.endTime, `${id}/${step.nodeId} ended`).toBe(finished ? step.endedAt : undefined);
    }
  }
}

describe('workflow spans after a crash', () => {
  it('re-emits the spans of resumed runs and of finished runs whose spans were lost, so spans match steps', async () => {
    // Until the "crash", the sink takes records and never stores them: the window between a
    // commit and the spans reaching the span store, held open.
    const lost: SpanRecordInput[] = [];
    const t = await testEngine([quick, slow], { spans: { emit: (records) => (lost.push(...records), new Promise<boolean>(() => undefined)) } });
    const runs = [
      await t.engine.startRun({ project: 'demo', workflow: 'quick', trigger: { type: 'manual', body: { n: 1 } } }),
      await t.engine.startRun({ project: 'demo', workflow: 'slow', trigger: { type: 'manual', body: { n: 2 } } }),
    ];
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'waiting']);
    expect(lost.length).toBeGreaterThan(0);

    const after = await t.restart();
    await after.clock.advance(10_000);
    const slowRun = await after.engine.waitForRun(runs[1]!.id);
    expect(slowRun.status).toBe('succeeded');
    // After a restart the harness's sink stores into `t.spans` (the lossy one is gone).
    await expectSpansMatchSteps(after, runs, t.spans);

    // Delivered now: a second restart owes nothing and re-emits nothing.
    const count = t.spans.length;
    const again = await after.restart();
    expect(t.spans.length).toBe(count);
    expect(await again.store.listRunsOwingSpans()).toEqual([]);
  });
});
