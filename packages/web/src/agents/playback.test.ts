import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { advance, initialPlayback, pause, play, Recording, seek, setSpeed } from './playback';

const span = (spanId: string, parentSpanId: string | null, startTime: number, endTime: number, extra: Partial<Span> = {}): Span => ({
  traceId: 't'.repeat(32),
  spanId,
  parentSpanId,
  service: 'app',
  name: spanId,
  kind: 'internal',
  startTime,
  endTime,
  durationMs: endTime - startTime,
  status: 'ok',
  sessionId: null,
  seq: 1,
  ...extra,
});

// root 1000–5000; llm 1100–2000 with usage and an event at 1500; tool 2100–4000 that fails.
const spans = [
  span('root', null, 1000, 5000, { kind: 'agent' }),
  span('tool', 'root', 2100, 4000, { kind: 'tool', status: 'error', error: { type: 'E', message: 'boom' }, output: 'x' }),
  span('llm', 'root', 1100, 2000, { kind: 'llm', output: 'answer', usage: { inputTokens: 10, outputTokens: 5 }, events: [{ time: 1500, name: 'first token' }] }),
];

describe('Recording', () => {
  const rec = new Recording(spans);

  it('lists starts, events and ends in time order from the first event', () => {
    expect(rec.start).toBe(1000);
    expect(rec.length).toBe(4000);
    expect(rec.events.map((e) => `${e.what}:${e.span.spanId}`)).toEqual([
      'start:root', 'start:llm', 'event:llm', 'end:llm', 'start:tool', 'end:tool', 'end:root',
    ]);
  });

  it('shows nothing before the run and everything, as stored, at its end', () => {
    expect(rec.spansAt(-1)).toEqual([]);
    const all = rec.spansAt(rec.length);
    expect(all.map((s) => s.spanId)).toEqual(['root', 'llm', 'tool']);
    for (const s of all) expect(spans).toContain(s);
  });

  it('shows a started span as running: no end, output, error or usage yet', () => {
    const at = rec.spansAt(300); // t = 1300: root and llm running
    expect(at.map((s) => [s.spanId, s.endTime, s.status])).toEqual([
      ['root', null, 'unset'],
      ['llm', null, 'unset'],
    ]);
    expect(at[1]!.output).toBeUndefined();
    expect(at[1]!.usage).toBeUndefined();
    expect(at[1]!.events).toEqual([]);
    // The same running copy at the next frame, so a graph does not see a change that is not one.
    expect(rec.spansAt(301)[1]).toBe(at[1]);
  });

  it('adds events as they were recorded, and ends spans with their stored outcome', () => {
    const at = rec.spansAt(1600); // t = 2600: llm ended, tool running
    expect(at.find((s) => s.spanId === 'llm')).toBe(spans[2]);
    expect(at.find((s) => s.spanId === 'tool')!.error).toBeUndefined();
    expect(rec.spansAt(550).find((s) => s.spanId === 'llm')!.events).toHaveLength(1); // t = 1550
    const ended = rec.spansAt(3000).find((s) => s.spanId === 'tool')!; // t = 4000
    expect(ended.status).toBe('error');
    expect(ended.error).toEqual({ type: 'E', message: 'boom' });
  });

  it('counts events by position and gives each event its position', () => {
    expect(rec.eventsBy(0)).toBe(1);
    expect(rec.eventsBy(500)).toBe(3);
    expect(rec.eventsBy(4000)).toBe(7);
    expect(rec.positionOf(3)).toBe(1000);
    expect(rec.positionOf(99)).toBe(4000);
    expect(rec.spansAt(rec.positionOf(4)).map((s) => s.spanId)).toEqual(['root', 'llm', 'tool']);
  });

  it('is empty for a run without spans', () => {
    const empty = new Recording([]);
    expect(empty.length).toBe(0);
    expect(empty.spansAt(0)).toEqual([]);
  });
});

describe('playback clock', () => {
  it('advances by wall time times speed and stops at the end', () => {
    let s = play(initialPlayback(), 4000);
    s = advance(s, 100, 4000);
    expect(s.position).toBe(100);
    s = advance(setSpeed(s, 10), 100, 4000);
    expect(s.position).toBe(1100);
    s = advance(setSpeed(s, 100), 100, 4000);
    expect(s).toMatchObject({ position: 4000, playing: false });
  });

  it('holds still while paused, and plays from the start once at the end', () => {
    const paused = pause(seek(play(initialPlayback(), 4000), 2000, 4000));
    expect(advance(paused, 1000, 4000).position).toBe(2000);
    const atEnd = seek(initialPlayback(), 9999, 4000);
    expect(atEnd.position).toBe(4000);
    expect(play(atEnd, 4000)).toMatchObject({ position: 0, playing: true });
    expect(seek(atEnd, -5, 4000).position).toBe(0);
  });
});
