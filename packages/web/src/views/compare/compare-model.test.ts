import { describe, expect, it } from 'vitest';
import type { Span } from '../../api/types';
import { compareRuns, stepsOf, stepTexts, summaryOf, textDiff, toolSequence } from './compare-model';

let seq = 0;
const span = (spanId: string, parentSpanId: string | null, startTime: number, extra: Partial<Span> = {}): Span => ({
  traceId: 'a'.repeat(32),
  spanId,
  parentSpanId,
  service: 'app',
  name: spanId,
  kind: 'internal',
  startTime,
  endTime: startTime + 10,
  durationMs: 10,
  status: 'ok',
  sessionId: null,
  seq: ++seq,
  ...extra,
});

const llm = (id: string, t: number, prompt: string, answer: string, extra: Partial<Span> = {}) =>
  span(id, 'root', t, { kind: 'llm', name: 'chat gpt-4o', input: [{ role: 'user', content: prompt }], output: [{ role: 'assistant', content: answer }], ...extra });
const tool = (id: string, t: number, name: string, input: unknown, extra: Partial<Span> = {}) => span(id, 'root', t, { kind: 'tool', name, input, output: 'ok', ...extra });

const left = [
  span('root', null, 0, { name: 'agent A', kind: 'agent', endTime: 100, durationMs: 100 }),
  llm('l1', 1, 'Weather in Paris?', 'Let me look.', { usage: { inputTokens: 100, outputTokens: 10, costUsd: 0.01 } }),
  tool('t1', 20, 'get_weather', { city: 'Paris' }),
  llm('l2', 40, 'Weather in Paris?', 'It is 18 degrees.'),
];
const right = [
  span('root', null, 0, { name: 'agent B', kind: 'agent', endTime: 150, durationMs: 150 }),
  llm('r1', 1, 'Weather in Paris?', 'Let me look.', { usage: { inputTokens: 120, outputTokens: 12, costUsd: 0.02 } }),
  tool('r2', 20, 'get_weather', { city: 'Paris' }),
  tool('r3', 30, 'get_forecast', { city: 'Paris' }),
  llm('r4', 40, 'Weather in Paris?', 'It is 18 degrees and sunny.'),
];

describe('compareRuns', () => {
  it('aligns steps by kind and name, marks a step only one run has and an answer that changed', () => {
    const { rows, firstDivergence } = compareRuns(left, right);
    expect(rows.map((r) => [r.left?.spanId ?? null, r.right?.spanId ?? null, r.status])).toEqual([
      ['l1', 'r1', 'same'],
      ['t1', 'r2', 'same'],
      [null, 'r3', 'only-right'],
      ['l2', 'r4', 'changed'],
    ]);
    expect(firstDivergence).toBe(2);
  });

  it('finds the first divergence in a matched pair whose prompt differs, or whose outcome does', () => {
    const changed = [left[0]!, llm('x1', 1, 'Weather in Rome?', 'Let me look.'), left[2]!, left[3]!];
    expect(compareRuns(left, changed).firstDivergence).toBe(0);
    const failed = [left[0]!, left[1]!, tool('x2', 20, 'get_weather', { city: 'Paris' }, { status: 'error' }), left[3]!];
    expect(compareRuns(left, failed).firstDivergence).toBe(1);
  });

  it('finds no divergence between a run and itself', () => {
    expect(compareRuns(left, left)).toMatchObject({ firstDivergence: null, byPosition: false });
  });
});

describe('steps and texts', () => {
  it('leaves the root out unless it is the only span', () => {
    expect(stepsOf(left).map((s) => s.spanId)).toEqual(['l1', 't1', 'l2']);
    expect(stepsOf([left[1]!]).map((s) => s.spanId)).toEqual(['l1']);
  });

  it('gives an LLM call its messages as text and a tool its input and output or error', () => {
    expect(stepTexts(left[1]!)).toEqual({ prompt: 'user: Weather in Paris?', answer: 'assistant: Let me look.' });
    const failed = tool('f', 1, 'Bash', { command: 'ls' }, { output: undefined, error: { type: 'Exit', message: 'code 2' } });
    expect(stepTexts(failed)).toEqual({ prompt: '{\n "command": "ls"\n}', answer: 'Exit: code 2' });
  });

  it('diffs text word by word', () => {
    expect(textDiff('It is 18 degrees.', 'It is 18 degrees and sunny.')).toEqual([
      { change: 'same', text: 'It is 18 degrees ' },
      { change: 'added', text: 'and sunny' },
      { change: 'same', text: '.' },
    ]);
  });

  it('lists tool sequences and sums each run', () => {
    expect(toolSequence(right)).toEqual(['get_weather', 'get_forecast']);
    const a = summaryOf(left);
    expect(a.root?.name).toBe('agent A');
    expect(a.durationMs).toBe(100);
    expect(a.totals).toMatchObject({ llmCalls: 2, toolCalls: 1, inputTokens: 100, outputTokens: 10, costUsd: 0.01 });
    expect(summaryOf([...right, span('open', 'root', 5, { endTime: null, durationMs: null })])).toMatchObject({ running: true, durationMs: null });
  });
});
