import type { Span } from '../api/types';
import { timelineOf, type TimelineEntry } from './run-stats';

/**
 * Playback of a finished run (seed 004 "session recording/replay"): its starts, events and ends
 * replayed in time order, at 1×, 10× or 100×, paused, or jumped to one event. At any moment the
 * run is shown as it stood then — spans not yet started are absent, spans started but not ended
 * are running (no end, no output, no usage yet), events not yet recorded are left out — so the
 * graph and the timeline grow as they did live. Pure: the view owns the clock.
 */

export const PLAYBACK_SPEEDS = [1, 10, 100] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

export interface PlaybackState {
  /** Milliseconds of run time since the first event. */
  position: number;
  playing: boolean;
  speed: PlaybackSpeed;
}

export function initialPlayback(): PlaybackState {
  return { position: 0, playing: false, speed: 1 };
}

/** The run as a recording: its events in time order and what each moment looked like. */
export class Recording {
  readonly events: TimelineEntry[];
  readonly start: number;
  /** Milliseconds from the first event to the last. */
  readonly length: number;
  private readonly byStart: Span[];
  /** Each span's running copy, made once, so a graph sees the same object frame after frame. */
  private readonly runningCopies = new Map<string, Span>();
  private readonly partialCopies = new Map<string, { shownEvents: number; span: Span }>();

  constructor(spans: readonly Span[]) {
    this.events = timelineOf(spans);
    this.start = this.events[0]?.time ?? 0;
    this.length = this.events.length === 0 ? 0 : this.events[this.events.length - 1]!.time - this.start;
    this.byStart = [...spans].sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
  }

  /** How many events have happened by `position` (those at exactly `position` included). */
  eventsBy(position: number): number {
    const t = this.start + position;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.time <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The position of event `index` (clamped to the recording). */
  positionOf(index: number): number {
    const event = this.events[Math.max(0, Math.min(index, this.events.length - 1))];
    return event ? event.time - this.start : 0;
  }

  /**
   * The spans as they stood at `position`, in start order. Spans already ended are the stored
   * objects themselves; running ones are copies without end, output, error or usage.
   */
  spansAt(position: number): Span[] {
    const t = this.start + position;
    const out: Span[] = [];
    for (const span of this.byStart) {
      if (span.startTime > t) break;
      if (span.endTime !== null && span.endTime <= t) out.push(this.withEventsUpTo(span, t));
      else out.push(this.runningCopy(span, t));
    }
    return out;
  }

  private runningCopy(span: Span, t: number): Span {
    let copy = this.runningCopies.get(span.spanId);
    if (!copy) {
      copy = { ...span, endTime: null, durationMs: null, status: 'unset' };
      delete copy.output;
      delete copy.error;
      delete copy.usage;
      this.runningCopies.set(span.spanId, copy);
    }
    return this.withEventsUpTo(copy, t);
  }

  /** Leaves out the span's events that come after `t` (one copy per number of events shown). */
  private withEventsUpTo(span: Span, t: number): Span {
    const events = span.events;
    if (!events || events.length === 0) return span;
    let shown = 0;
    while (shown < events.length && events[shown]!.time <= t) shown++;
    if (shown === events.length) return span;
    const key = `${span.spanId}\u0000${span.endTime === null ? 'r' : 'e'}`;
    const cached = this.partialCopies.get(key);
    if (cached && cached.shownEvents === shown) return cached.span;
    const copy = { ...span, events: events.slice(0, shown) };
    this.partialCopies.set(key, { shownEvents: shown, span: copy });
    return copy;
  }
}

/** Advances a playing state by `elapsedMs` of wall time; stops at the end. */
export function advance(state: PlaybackState, elapsedMs: number, length: number): PlaybackState {
  if (!state.playing) return state;
  const position = Math.min(length, state.position + Math.max(0, elapsedMs) * state.speed);
  return { ...state, position, playing: position < length };
}

/** Play from where it stands, or from the start when it had reached the end. */
export function play(state: PlaybackState, length: number): PlaybackState {
  return { ...state, playing: true, position: state.position >= length ? 0 : state.position };
}

export function pause(state: PlaybackState): PlaybackState {
  return { ...state, playing: false };
}

export function setSpeed(state: PlaybackState, speed: PlaybackSpeed): PlaybackState {
  return { ...state, speed };
}

/** Moves to a position (clamped), keeping play or pause as it was. */
export function seek(state: PlaybackState, position: number, length: number): PlaybackState {
  return { ...state, position: Math.max(0, Math.min(length, position)) };
}
