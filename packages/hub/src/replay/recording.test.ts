import type { Span } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { buildRecording } from './recording.js';
import { formatSummary, parseReport, summarize } from './report.js';

const TRACE = 'a'.repeat(32);
let seq = 0;

function span(spanId: string, parentSpanId: string | null, name: string, startTime: number, endTime: number | null, attributes: Record<string, string | boolean> = {}, extra: Partial<Span> = {}): Span {
  return { traceId: TRACE, spanId: spanId.padStart(16, '0'), parentSpanId: parentSpanId?.padStart(16, '0') ?? null, service: 'agent', name, kind: 'function', startTime, endTime, durationMs: endTime === null ? null : endTime - startTime, status: 'ok', sessionId: null, attributes, seq: ++seq, ...extra };
}

// main → agent → [llm, tool, llm, tool, llm (checkpoint), tool], and a playground run under the 1st llm
const trace = [
  span('1', null, 'main', 0, 100),
  span('2', '1', 'agent', 1, 99),
  span('3', '2', 'chat m', 2, 10, { 'runtime_hub.replay.input_hash': 'sha256:1', 'runtime_hub.replay.result': '{"$":"list","v":[1]}' }),
  span('4', '2', 'tool', 11, 20, { 'runtime_hub.replay.input_hash': 'sha256:2', 'runtime_hub.replay.error': '{"$":"exc","cls":"builtins:ValueError","args":["x"]}' }, { status: 'error' }),
  span('5', '2', 'chat m', 21, 30, { 'runtime_hub.replay.skipped': 'too large (300000 bytes)' }),
  span('6', '2', 'tool', 31, 40),
  span('7', '2', 'chat m', 41, 50, {}, { input: { messages: [{ role: 'user', content: 'hi' }] } }),
  span('8', '2', 'tool', 51, 60),
  span('9', '3', 'playground m', 70, 80, { 'playground.original_span_id': '0000000000000003' }, { service: 'playground' }),
];

describe('the recording of a replay', () => {
  it('names each call by its place and sorts them into before, ancestor and checkpoint', () => {
    const recording = buildRecording(trace, TRACE, '0000000000000007');
    expect(recording.checkpoint).toEqual({ place: 'main#0/agent#0/chat m#2', spanId: '0000000000000007', name: 'chat m', kind: 'function', input: { messages: [{ role: 'user', content: 'hi' }] } });
    expect(recording.calls.map((c) => [c.place, c.phase])).toEqual([
      ['main#0', 'ancestor'],
      ['main#0/agent#0', 'ancestor'],
      ['main#0/agent#0/chat m#0', 'before'],
      ['main#0/agent#0/tool#0', 'before'],
      ['main#0/agent#0/chat m#1', 'before'],
      ['main#0/agent#0/tool#1', 'before'],
      ['main#0/agent#0/chat m#2', 'checkpoint'],
    ]);
  });

  it('carries the encoded result or error, or says why a call cannot be replayed', () => {
    const calls = buildRecording(trace, TRACE, '0000000000000007').calls;
    expect(calls[2]).toMatchObject({ inputHash: 'sha256:1', result: { $: 'list', v: [1] } });
    expect(calls[3]).toMatchObject({ status: 'error', error: { $: 'exc', cls: 'builtins:ValueError' } });
    expect(calls[4]).toMatchObject({ skipped: 'too large (300000 bytes)' });
    expect(calls[5]).toMatchObject({ skipped: 'not recorded as replayable' });
  });

  it('a span that is not in the trace is a 404 that names it', () => {
    expect(() => buildRecording(trace, TRACE, 'ffffffffffffffff')).toThrow(/ffffffffffffffff is not in trace/);
  });

  it('the summary names the replayed calls, the checkpoint, the first divergence and the calls not made again', () => {
    const recording = buildRecording(trace, TRACE, '0000000000000007');
    const events = parseReport(
      [
        { type: 'replayed', place: 'main#0/agent#0/chat m#0', name: 'chat m' },
        { type: 'divergence', place: 'main#0/agent#0/tool#0', name: 'tool', reason: 'input differs', recordedSpan: '0000000000000004' },
        { type: 'checkpoint', place: 'main#0/agent#0/chat m#2', name: 'chat m', edited: true },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n{"cut sh',
    );
    const summary = summarize(recording.calls, events);
    expect(summary.replayed).toBe(1);
    expect(summary.missing.map((c) => c.place)).toEqual(['main#0/agent#0/chat m#1', 'main#0/agent#0/tool#1']);
    const text = formatSummary(summary, recording.checkpoint.place, 'b'.repeat(32), 'http://127.0.0.1:8765/compare/a/b');
    expect(text).toContain('1 recorded call replayed');
    expect(text).toContain('first divergence at main#0/agent#0/tool#0: input differs (recorded span 0000000000000004)');
    expect(text).toContain('checkpoint main#0/agent#0/chat m#2 ran for real with the edited input');
  });
});
