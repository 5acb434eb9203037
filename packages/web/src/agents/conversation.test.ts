import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { llmCallOf, messagesOf } from './conversation';

describe('messagesOf', () => {
  it('reads OpenTelemetry GenAI messages (OTLP ingest)', () => {
    const input = [
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      { role: 'user', parts: [{ type: 'text', content: 'weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '18C' }] },
    ];
    expect(messagesOf(input, 'user')).toEqual([
      { role: 'system', parts: [{ type: 'text', text: 'be brief' }] },
      { role: 'user', parts: [{ type: 'text', text: 'weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_result', id: 'c1', result: '18C' }] },
    ]);
    const output = messagesOf([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny' }], finish_reason: 'stop' }], 'assistant');
    expect(output[0]!.finishReason).toBe('stop');
  });

  it('reads a Claude Code model call: {messages} input, {tool_results} input and content-block output', () => {
    expect(messagesOf({ messages: [{ role: 'user', content: 'implement it' }] }, 'user')).toEqual([{ role: 'user', parts: [{ type: 'text', text: 'implement it' }] }]);
    expect(messagesOf({ tool_results: [{ tool_use_id: 't1', content: 'file text' }] }, 'user')).toEqual([
      { role: 'tool', parts: [{ type: 'tool_result', id: 't1', result: 'file text', isError: false }] },
    ]);
    const out = messagesOf(
      [
        { type: 'thinking', thinking: 'hmm' },
        { type: 'text', text: 'Reading' },
        { type: 'tool_use', id: 't1', name: 'Read', input: { file_path: '/a.ts' } },
      ],
      'assistant',
    );
    expect(out).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', text: 'hmm' },
          { type: 'text', text: 'Reading' },
          { type: 'tool_call', id: 't1', name: 'Read', arguments: { file_path: '/a.ts' } },
        ],
      },
    ]);
  });

  it('reads OpenAI chat messages with tool_calls, and keeps unknown shapes as JSON', () => {
    const m = messagesOf([{ role: 'assistant', content: null, tool_calls: [{ id: 'x', function: { name: 'f', arguments: '{"a":1}' } }] }], 'assistant');
    expect(m[0]!.parts).toEqual([{ type: 'tool_call', id: 'x', name: 'f', arguments: '{"a":1}' }]);
    expect(messagesOf({ weird: 1 }, 'user')).toEqual([{ role: 'user', parts: [{ type: 'other', value: { weird: 1 } }] }]);
  });
});

describe('llmCallOf', () => {
  it('takes model, parameters and finish reason from the GenAI attributes', () => {
    const span = {
      traceId: 't', spanId: 's', parentSpanId: null, service: 'x', name: 'chat', kind: 'llm', startTime: 0, endTime: null, durationMs: null,
      status: 'unset', sessionId: null, seq: 1,
      attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.temperature': 0.2, 'gen_ai.response.finish_reasons': ['length'] },
    } as Span;
    const call = llmCallOf(span);
    expect(call).toMatchObject({ model: 'gpt-4o', params: { temperature: 0.2 }, finishReason: 'length', running: true });
  });
});
