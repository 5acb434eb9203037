import { describe, expect, it } from 'vitest';
import type { Span } from '../../api/types';
import { guessTarget, recordedOf, toGenAi, variablesOf, wordDiff } from './playground-model';

const span = (input: unknown, output: unknown, attributes: Record<string, string | number> = {}): Span =>
  ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, service: 's', name: 'chat', kind: 'llm', startTime: 0, endTime: 900, durationMs: 900, status: 'ok', sessionId: null, input, output, attributes, seq: 1 }) as Span;

describe('playground model', () => {
  it('reads OpenAI-style chat messages (SDK spans) and keeps tool calls and results for the round trip', () => {
    const recorded = recordedOf(
      span(
        { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in {{city}}?' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }] },
        { content: 'It is sunny.' },
        { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.temperature': 0.3 },
      ),
    );
    expect(recorded.model).toBe('gpt-4o');
    expect(recorded.temperature).toBe(0.3);
    expect(recorded.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(variablesOf(recorded.messages)).toEqual(['city']);
    const sent = toGenAi(recorded.messages);
    expect(sent[2]).toEqual({ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' }] });
    expect(sent[3]).toEqual({ role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'sunny' }] });
  });

  it('reads the GenAI shape OTLP ingest writes, and its answer', () => {
    const recorded = recordedOf(span([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }], [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' }]));
    expect(recorded.messages).toEqual([{ role: 'user', text: 'Hi', extra: [] }]);
    expect(recorded.answer).toBe('Hello!');
    expect(recorded.latencyMs).toBe(900);
  });

  it('diffs word by word and guesses the provider', () => {
    expect(wordDiff('The capital is Paris.', 'The capital is Rome.')).toEqual([
      { kind: 'same', text: 'The capital is ' },
      { kind: 'removed', text: 'Paris' },
      { kind: 'added', text: 'Rome' },
      { kind: 'same', text: '.' },
    ]);
    expect(guessTarget(undefined, 'claude-sonnet-4').provider).toBe('anthropic');
    expect(guessTarget(undefined, 'gpt-4o').provider).toBe('openai');
  });
});
