import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { applySpans, emptyFeed } from './feed-model';

let seq = 0;
function span(id: string, startTime: number, fields: Partial<Span> = {}): Span {
  return { traceId: 't'.repeat(32), spanId: id, parentSpanId: null, service: 's', name: id, kind: 'function', startTime, endTime: startTime + 1, durationMs: 1, status: 'ok', sessionId: null, seq: ++seq, ...fields };
}
const all = () => true;

describe('applySpans', () => {
  it('orders newest start first and updates a known span in place', () => {
    const a = span('a', 1);
    const b = span('b', 2);
    let model = applySpans(emptyFeed(), [a, b], all);
    expect(model.order).toEqual(['b', 'a']);
    const ended = { ...a, endTime: 50, durationMs: 49, seq: ++seq };
    model = applySpans(model, [ended], all);
    expect(model.order).toEqual(['b', 'a']);
    expect(model.byId.get('a')!.endTime).toBe(50);
  });

  it('ignores replayed and stale copies (same or lower seq)', () => {
    const a = span('a', 1);
    const model = applySpans(emptyFeed(), [a], all);
    const again = applySpans(model, [a, { ...a, name: 'stale', seq: a.seq - 1 }], all);
    expect(again).toBe(model);
    expect(again.byId.get('a')!.name).toBe('a');
  });

  it('merges late spans into their place by start time', () => {
    let model = applySpans(emptyFeed(), [span('a', 10), span('c', 30)], all);
    model = applySpans(model, [span('b', 20), span('d', 40), span('z', 0)], all);
    expect(model.order).toEqual(['d', 'c', 'b', 'a', 'z']);
  });

  it('keeps the newest `cap` spans and forgets the rest', () => {
    const spans = Array.from({ length: 10 }, (_, i) => span(`s${i}`, i));
    const model = applySpans(emptyFeed(), spans, all, 4);
    expect(model.order).toEqual(['s9', 's8', 's7', 's6']);
    expect(model.byId.size).toBe(4);
  });

  it('drops spans that stop matching (a running call that ended too fast)', () => {
    const running = span('r', 1, { endTime: null, durationMs: null });
    const isRunning = (s: Span) => s.endTime === null;
    let model = applySpans(emptyFeed(), [running], isRunning);
    expect(model.order).toEqual(['r']);
    model = applySpans(model, [{ ...running, endTime: 5, durationMs: 4, seq: ++seq }], isRunning);
    expect(model.order).toEqual([]);
    expect(model.byId.size).toBe(0);
  });
});
