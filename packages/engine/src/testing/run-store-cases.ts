import { describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import type { RunStore } from '../ports.js';

function run(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    project: 'demo',
    workflow: 'greet',
    version: 1,
    status: 'running',
    trigger: { type: 'manual', body: { name: 'Ada', nested: { list: [1, 'two', null, true] } } },
    createdAt: 1000,
    startedAt: 1000,
    traceId: id,
    spanId: 'b000000000000001',
    rootRunId: id,
    depth: 0,
    ...overrides,
  };
}

function step(runId: string, nodeId: string, overrides: Partial<StepRecord> = {}): StepRecord {
  return { runId, nodeId, nodeType: 'set', visit: 1, attempt: 1, status: 'running', startedAt: 1000, spanId: 'c000000000000001', ...overrides };
}

const id = (n: number) => n.toString(16).padStart(32, '0');

/**
 * The conformance suite every {@link RunStore} passes (memory, SQLite, and PostgreSQL later).
 *
 * @example
 *   runStoreConformance('sqlite', async () => ({ store: new SqliteRunStore(file), cleanup: () => rmSync(file) }));
 */
export function runStoreConformance(name: string, make: () => Promise<{ store: RunStore; cleanup?: () => Promise<void> | void }>): void {
  describe(`RunStore conformance: ${name}`, () => {
    async function withStore(fn: (store: RunStore) => Promise<void>): Promise<void> {
      const { store, cleanup } = await make();
      try {
        await fn(store);
      } finally {
        await store.close?.();
        await cleanup?.();
      }
    }

    it('stores and returns runs exactly, optional fields included', () =>
      withStore(async (store) => {
        const full = run(id(1), {
          status: 'failed',
          output: { a: [1, { b: 'c' }] },
          response: { status: 201, headers: { 'x-a': 'b' }, body: 'text' },
          error: { code: 'HTTP_STATUS', message: 'boom', retryable: false, status: 503, nodeId: 'n', field: 'url', details: { x: 1 } },
          endedAt: 2000,
          deadlineAt: 5000,
          parentSpanId: 'd000000000000001',
          parentRunId: id(9),
          parentNodeId: 'call',
          rerunOf: id(8),
          rerunFrom: 'calc',
          depth: 2,
        });
        await store.commit({ runs: [full, run(id(2))] });
        expect(await store.getRun(id(1))).toEqual(full);
        expect(await store.getRun(id(2))).toEqual(run(id(2)));
        expect(await store.getRun(id(3))).toBeUndefined();
      }));

    it('upserts runs and steps as whole rows, atomically per commit', () =>
      withStore(async (store) => {
        await store.commit({ runs: [run(id(1))], steps: [step(id(1), 'a'), step(id(1), 'b', { startedAt: 1001 })] });
        const done = step(id(1), 'a', { status: 'succeeded', output: { ok: true }, branch: 'main', endedAt: 1002, seq: 1 });
        await store.commit({ runs: [run(id(1), { status: 'succeeded', output: 1, endedAt: 1003 })], steps: [done] });
        expect((await store.getRun(id(1)))?.status).toBe('succeeded');
        expect(await store.listSteps(id(1))).toEqual([done, step(id(1), 'b', { startedAt: 1001 })]);
        expect(await store.listSteps(id(2))).toEqual([]);
      }));

    it('keeps one row per node, visit and attempt, and lists them in a stable order', () =>
      withStore(async (store) => {
        const rows = [
          step(id(1), 'loop', { visit: 2, seq: 3, status: 'succeeded', items: [1, 2], startedAt: 1000 }),
          step(id(1), 'call', { attempt: 2, startedAt: 1500, childRunId: id(5) }),
          step(id(1), 'call', { attempt: 1, status: 'failed', retryAt: 1500, startedAt: 1000, error: { code: 'ECONNRESET', message: 'x', retryable: true } }),
          step(id(1), 'wait', { status: 'waiting', dueAt: 99_999, startedAt: 1000, input: 'in' }),
          step(id(1), 'loop', { visit: 1, seq: 2, status: 'succeeded', reused: true, startedAt: 1000 }),
        ];
        await store.commit({ steps: rows });
        const listed = await store.listSteps(id(1));
        expect(listed.map((s) => `${s.nodeId}#${s.visit}#${s.attempt}`)).toEqual(['loop#1#1', 'loop#2#1', 'call#1#1', 'wait#1#1', 'call#1#2']);
        expect(listed).toContainEqual(rows[0]);
        expect(listed).toContainEqual(rows[3]);
      }));

    it('lists unfinished runs oldest first, and pages runs newest first with filters', () =>
      withStore(async (store) => {
        const runs = [
          run(id(1), { createdAt: 1, status: 'succeeded' }),
          run(id(2), { createdAt: 2, status: 'queued' }),
          run(id(3), { createdAt: 3, status: 'waiting', workflow: 'other' }),
          run(id(4), { createdAt: 4, status: 'running' }),
          run(id(5), { createdAt: 4, status: 'cancelled', project: 'p2' }),
        ];
        await store.commit({ runs });
        expect((await store.listUnfinishedRuns()).map((r) => r.id)).toEqual([id(2), id(3), id(4)]);
        const first = await store.listRuns({ limit: 2 });
        expect(first.runs.map((r) => r.id)).toEqual([id(5), id(4)]);
        const second = await store.listRuns({ limit: 2, cursor: first.nextCursor });
        expect(second.runs.map((r) => r.id)).toEqual([id(3), id(2)]);
        const third = await store.listRuns({ limit: 2, cursor: second.nextCursor });
        expect(third.runs.map((r) => r.id)).toEqual([id(1)]);
        expect(third.nextCursor).toBeUndefined();
        expect((await store.listRuns({ limit: 10, project: 'demo', workflow: 'greet' })).runs.map((r) => r.id)).toEqual([id(4), id(2), id(1)]);
        expect((await store.listRuns({ limit: 10, status: 'waiting' })).runs.map((r) => r.id)).toEqual([id(3)]);
      }));

    it('remembers finished runs that owe spans until they are delivered, in the same commit as the run', () =>
      withStore(async (store) => {
        await store.commit({ runs: [run(id(1), { status: 'succeeded' }), run(id(2), { status: 'failed' }), run(id(3), { status: 'succeeded' })], owingSpans: [id(1), id(2)] });
        expect((await store.listRunsOwingSpans()).map((r) => r.id).sort()).toEqual([id(1), id(2)]);
        await store.commit({ runs: [run(id(1), { status: 'succeeded' })], owingSpans: [id(1)] });
        await store.spansDelivered([id(1)]);
        await store.commit({ runs: [run(id(4))] });
        expect((await store.listRunsOwingSpans()).map((r) => r.id)).toEqual([id(2)]);
        await store.spansDelivered([id(2), id(9)]);
        await store.commit({ runs: [run(id(4))] });
        expect(await store.listRunsOwingSpans()).toEqual([]);
      }));

    it('keeps schedule state and workflow versions', () =>
      withStore(async (store) => {
        expect(await store.getSchedule('demo', 'nightly')).toBeUndefined();
        await store.putSchedule({ project: 'demo', workflow: 'nightly', paused: false, lastFireAt: 123 });
        await store.putSchedule({ project: 'demo', workflow: 'nightly', paused: true, lastFireAt: 456 });
        expect(await store.getSchedule('demo', 'nightly')).toEqual({ project: 'demo', workflow: 'nightly', paused: true, lastFireAt: 456 });
        const definition = { id: 'greet', name: 'Greet', version: 3, visibility: 'internal', trigger: { type: 'manual' }, settings: {}, nodes: [], edges: [] } as WorkflowDefinition;
        await store.putWorkflowVersion({ project: 'demo', workflow: 'greet', version: 3, definition, savedAt: 9 });
        expect(await store.getWorkflowVersion('demo', 'greet', 3)).toEqual({ project: 'demo', workflow: 'greet', version: 3, definition, savedAt: 9 });
        expect(await store.getWorkflowVersion('demo', 'greet', 4)).toBeUndefined();
      }));

    it('stores large and unusual JSON faithfully', () =>
      withStore(async (store) => {
        const big = 'x'.repeat(2 * 1024 * 1024);
        const odd = { emoji: '🚀', quote: '"\'\\', nul: 'a\u0000b', html: '<script>alert(1)</script>', big };
        await store.commit({ runs: [run(id(1), { output: odd })], steps: [step(id(1), 'a', { output: odd })] });
        expect((await store.getRun(id(1)))?.output).toEqual(odd);
        expect((await store.listSteps(id(1)))[0]?.output).toEqual(odd);
      }));
  });
}
