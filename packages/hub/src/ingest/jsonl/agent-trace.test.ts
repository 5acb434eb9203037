import { describe, expect, it } from 'vitest';
import { validateSpanRecords } from '@runtime-hub/protocol';
import { hashId } from '../claude/ids.js';
import { isAgentTraceLine, mapAgentTraceLine } from './agent-trace.js';
import { mapLines } from './line-mapper.js';

// The two line shapes of seed 002's trace files (Anton: LLMInteraction and ToolCallSpan).
const llm = {
  timestamp: '2025-11-30T10:00:00',
  agent_name: 'module_database',
  provider: 'claude',
  model: 'claude-sonnet-3-5',
  trace_id: 'abc123',
  span_id: 'def456',
  parent_id: null,
  span_type: 'llm_call',
  duration_ms: 2500,
  tokens: { input: 1500, output: 800, total: 2300 },
  cost_usd: 0.0165,
  messages: [{ role: 'user', content: 'Add an index' }],
  response: 'CREATE INDEX …',
};
const tool = {
  timestamp: '2025-11-30T10:00:01',
  tool_name: 'read_file',
  trace_id: 'abc123',
  span_id: 'jkl012',
  parent_id: 'def456',
  span_type: 'tool_call',
  agent_name: 'module_database',
  duration_ms: 150,
  success: true,
  parameters: { file_path: '/path/to/file.py' },
  result: 'file contents...',
};

const map = (line: Record<string, unknown>, offset = 0) => {
  const result = mapAgentTraceLine(line, '/traces/module_database.jsonl', offset);
  if (!result.ok) throw new Error(result.message);
  return result.record;
};

describe('agent trace lines (seed 002)', () => {
  it('maps an LLMInteraction line to an llm span with model, tokens, cost, prompt and response', () => {
    const record = map(llm);
    expect(record).toMatchObject({
      traceId: hashId('agent-trace:id:abc123', 32),
      spanId: hashId('agent-trace:id:def456', 16),
      parentSpanId: null,
      service: 'module_database',
      name: 'chat claude-sonnet-3-5',
      kind: 'llm',
      startTime: new Date(2025, 10, 30, 10, 0, 0).getTime(), // no zone: local time, as Python wrote it
      endTime: new Date(2025, 10, 30, 10, 0, 0).getTime() + 2500,
      status: 'ok',
      input: [{ role: 'user', content: 'Add an index' }],
      output: 'CREATE INDEX …',
    });
    expect(record.attributes).toMatchObject({
      'gen_ai.provider.name': 'claude',
      'gen_ai.request.model': 'claude-sonnet-3-5',
      'gen_ai.usage.input_tokens': 1500,
      'gen_ai.usage.output_tokens': 800,
      'gen_ai.usage.cost_usd': 0.0165,
      'agent.name': 'module_database',
    });
    expect(validateSpanRecords([record]).rejected).toEqual([]);
  });

  it('maps a ToolCallSpan line to a tool span under its llm span', () => {
    const record = map(tool);
    expect(record).toMatchObject({ kind: 'tool', name: 'read_file', parentSpanId: map(llm).spanId, input: { file_path: '/path/to/file.py' }, output: 'file contents...', status: 'ok' });
    expect(record.endTime! - record.startTime).toBe(150);
  });

  it('keeps hex ids, treats parent_id equal to trace_id as a root, and reads epoch times', () => {
    const record = map({ span_type: 'orchestrator', trace_id: 'A'.repeat(32), span_id: 'b'.repeat(16), parent_id: 'A'.repeat(32), timestamp: 1_764_496_800, end_timestamp: 1_764_496_805_000 });
    expect(record).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, kind: 'agent', name: 'orchestrator', startTime: 1_764_496_800_000, endTime: 1_764_496_805_000 });
  });

  it('gives old lines without ids stable ids: one trace per file, one span per line offset', () => {
    const { trace_id: _t, span_id: _s, parent_id: _p, ...old } = tool;
    const a = map(old, 120);
    expect(a.traceId).toBe(hashId('agent-trace:file:/traces/module_database.jsonl', 32));
    expect(map(old, 120).spanId).toBe(a.spanId);
    expect(map(old, 400).spanId).not.toBe(a.spanId);
  });

  it('infers span_type for old lines and records failures', () => {
    const { span_type: _s, ...old } = tool;
    expect(map({ ...old, success: false, error: 'No such file' })).toMatchObject({ kind: 'tool', status: 'error', error: { type: 'Error', message: 'No such file' } });
    expect(map({ timestamp: 1, model: 'gpt-4o', trace_id: 'x' }).kind).toBe('llm');
  });

  it('says what is wrong with a line it cannot map', () => {
    expect(mapAgentTraceLine({ span_type: 'llm_call', timestamp: 'soon' }, 'f', 0)).toEqual({ ok: false, message: 'timestamp: must be ISO 8601 or epoch seconds/milliseconds (got "soon")' });
    expect(mapAgentTraceLine({ timestamp: 1, trace_id: 'x' }, 'f', 0)).toMatchObject({ ok: false, message: expect.stringContaining('span_type: is required') });
  });

  it('is told apart from span records and transcripts', () => {
    expect(isAgentTraceLine(llm)).toBe(true);
    expect(isAgentTraceLine({ traceId: 'a', spanId: 'b' })).toBe(false);
    const { records, problems } = mapLines('/f.jsonl', {}, [
      { text: JSON.stringify(llm), line: 1, offset: 0, end: 10 },
      { text: JSON.stringify({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), service: 's', name: 'n', startTime: 1 }), line: 2, offset: 10, end: 20 },
      { text: JSON.stringify({ type: 'summary', summary: 'x', leafUuid: 'u' }), line: 3, offset: 20, end: 30 },
    ]);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([1, 2]);
  });
});
