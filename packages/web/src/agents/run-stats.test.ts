import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { agentTree, analyticsOf, filesOf, quantile, timelineOf, toolStats } from './run-stats';

function span(spanId: string, parentSpanId: string | null, kind: string, name: string, startTime: number, endTime: number | null, extra: Partial<Span> = {}): Span {
  return {
    traceId: 't', spanId, parentSpanId, service: 'claude-code', name, kind: kind as Span['kind'], startTime, endTime,
    durationMs: endTime === null ? null : endTime - startTime, status: 'ok', sessionId: 's', seq: 1, ...extra,
  };
}

const session = [
  span('root', null, 'agent', 'claude-code: shop', 0, 1000),
  span('turn', 'root', 'agent', 'turn: fix the bug', 1, 900),
  span('l1', 'turn', 'llm', 'chat claude-opus', 2, 10, { usage: { model: 'claude-opus', inputTokens: 100, outputTokens: 10, costUsd: 0.01 } }),
  span('r1', 'turn', 'tool', 'Read', 11, 20, { input: { file_path: '/src/a.ts' } }),
  span('e1', 'turn', 'tool', 'Edit', 21, 40, { input: { file_path: '/src/a.ts', old_string: 'let x = 1', new_string: 'const x = 1' } }),
  span('w1', 'turn', 'tool', 'Write', 41, 50, { input: { file_path: '/src/b.ts', content: 'export {}' } }),
  span('b1', 'turn', 'tool', 'Bash', 51, 90, { status: 'error', input: { command: 'false' } }),
  span('task', 'turn', 'tool', 'Task', 91, 500, { input: { prompt: 'look' } }),
  span('sub', 'task', 'agent', 'subagent: Explore', 92, 499),
  span('l2', 'sub', 'llm', 'chat claude-haiku', 93, 100, { usage: { model: 'claude-haiku', inputTokens: 50, outputTokens: 5 } }),
  span('g1', 'sub', 'tool', 'Grep', 101, 110, { events: [{ name: 'note', time: 105 }] }),
];

describe('toolStats', () => {
  it('counts calls and failures per tool with p50/p95', () => {
    const stats = toolStats(session);
    expect(stats.map((s) => [s.name, s.count, s.failures])).toContainEqual(['Bash', 1, 1]);
    expect(quantile([1, 2, 3, 4, 100], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 100], 0.95)).toBe(100);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('filesOf', () => {
  it('lists files read, edited and written with the edit as old/new text', () => {
    const files = filesOf(session);
    expect(files.map((f) => [f.path, f.reads, f.edits, f.writes])).toEqual([
      ['/src/a.ts', 1, 1, 0],
      ['/src/b.ts', 0, 0, 1],
    ]);
    expect(files[0]!.changes[1]!.edits).toEqual([{ oldText: 'let x = 1', newText: 'const x = 1' }]);
    expect(files[1]!.changes[0]!.content).toBe('export {}');
  });
});

describe('agentTree', () => {
  it('nests subagents under the session with their own turns, calls, tokens and cost', () => {
    const [root] = agentTree(session);
    expect(root!.span.spanId).toBe('root');
    expect(root!.turns).toBe(1);
    expect(root!.totals).toMatchObject({ llmCalls: 1, toolCalls: 5, errors: 1, inputTokens: 100, costUsd: 0.01 });
    const sub = root!.children[0]!;
    expect(sub.span.spanId).toBe('sub');
    expect(sub.totals).toMatchObject({ llmCalls: 1, toolCalls: 1, inputTokens: 50, costUsd: null, costPartial: true, unpricedCalls: 1 });
  });
});

describe('analyticsOf', () => {
  it('gives running token and cost totals, per-model usage, errors and tokens per tool call', () => {
    const a = analyticsOf(session);
    expect(a.series.tokens).toEqual([110, 165]);
    expect(a.series.cost).toEqual([0.01, 0.01]);
    expect(a.perModel.map((m) => [m.model, m.calls, m.costUsd])).toEqual([
      ['claude-opus', 1, 0.01],
      ['claude-haiku', 1, null],
    ]);
    expect(a.errorsByKind).toEqual([{ kind: 'tool', count: 1 }]);
    expect(a.tokensPerToolCall).toBe(165 / 6);
    expect(a.totals.costPartial).toBe(true);
  });
});

describe('timelineOf', () => {
  it('orders starts, events and ends by time', () => {
    const t = timelineOf(session).filter((e) => e.span.spanId === 'g1');
    expect(t.map((e) => e.what)).toEqual(['start', 'event', 'end']);
  });
});
