import type { Span } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { otlpLogsToEntries } from './logs-to-entries.js';
import { mergeLogEntries } from './merge-log-entries.js';
import type { OtlpLogsRequest } from './otlp-types.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

function logs(records: unknown[]): OtlpLogsRequest {
  return { resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] } as OtlpLogsRequest;
}

describe('otlpLogsToEntries', () => {
  it('groups records by span; base64 ids, the event.name attribute of older senders', () => {
    const { bySpan, dropped, total } = otlpLogsToEntries(
      logs([
        { timeUnixNano: '1700000000000000000', traceId: Buffer.from(TRACE, 'hex').toString('base64'), spanId: SPAN, attributes: [{ key: 'event.name', value: { stringValue: 'gen_ai.user.message' } }], body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'hi' } }] } } },
        { observedTimeUnixNano: '1700000000500000000', traceId: TRACE, spanId: SPAN, eventName: 'gen_ai.choice', body: { stringValue: '{"index":0,"message":{"role":"assistant","content":"hello"}}' } },
      ]),
    );
    expect({ total, dropped }).toEqual({ total: 2, dropped: [] });
    expect(bySpan.get(SPAN)).toMatchObject({
      traceId: TRACE,
      entries: [
        { name: 'gen_ai.user.message', time: 1700000000000, body: { content: 'hi' } },
        { name: 'gen_ai.choice', time: 1700000000500 },
      ],
    });
  });

  it('survives hostile shapes and says what it dropped', () => {
    const { bySpan, dropped, total } = otlpLogsToEntries(logs([null, 7, 'x', { traceId: 'zz', spanId: SPAN }, { traceId: TRACE, spanId: '0000000000000000' }, { body: { arrayValue: {} } }]));
    expect(total).toBe(6);
    expect(bySpan.size).toBe(0);
    expect(dropped.map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(otlpLogsToEntries({ resourceLogs: 'nope' } as unknown as OtlpLogsRequest).total).toBe(0);
    expect(otlpLogsToEntries(null as unknown as OtlpLogsRequest).total).toBe(0);
  });
});

describe('mergeLogEntries', () => {
  const span: Span = { traceId: TRACE, spanId: SPAN, parentSpanId: null, service: 's', name: 'chat', kind: 'llm', startTime: 1, endTime: 2, durationMs: 1, status: 'ok', sessionId: null, seq: 1 };

  it('keeps the messages a span already has (span_and_event) and adds other records as events once', () => {
    const withInput = { ...span, input: [{ role: 'user', parts: [{ type: 'text', content: 'from the span' }] }] };
    const log = { time: 1.5, name: '', body: 'cache miss', attributes: {}, severity: 'WARN' };
    const record = mergeLogEntries({ ...withInput, events: [{ name: 'log', time: 1.5, attributes: { 'log.severity': 'WARN', 'log.body': 'cache miss' } }] }, [
      { time: 1.2, name: 'gen_ai.user.message', body: { content: 'from the event' }, attributes: {} },
      log,
    ]);
    expect(record.input).toEqual(withInput.input);
    expect(record.events).toHaveLength(1);
  });
});
