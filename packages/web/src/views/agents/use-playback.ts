import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Span } from '../../api/types';
import { advance, initialPlayback, pause, play, type PlaybackSpeed, type PlaybackState, Recording, seek, setSpeed } from '../../agents/playback';

export interface Playback {
  recording: Recording;
  state: PlaybackState;
  /** Events that have happened at the current position. */
  eventsShown: number;
  /** The run as it stood at the current position (changes only when an event passes). */
  spans: Span[];
  /** Bumped on every jump backwards: the graph lays itself out again from what is shown. */
  epoch: number;
  toggle(): void;
  speed(speed: PlaybackSpeed): void;
  seekTo(position: number): void;
  jumpToEvent(index: number): void;
}

/**
 * Plays a recording on the browser's clock (animation frames while playing). The shown spans are
 * recomputed only when the count of events passed changes, not every frame.
 */
export function usePlayback(spans: readonly Span[], active: boolean): Playback | null {
  const recording = useMemo(() => (active ? new Recording(spans) : null), [spans, active]);
  const [state, setState] = useState<PlaybackState>(initialPlayback);
  const [epoch, setEpoch] = useState(0);
  const last = useRef<number | null>(null);

  useEffect(() => {
    setState(initialPlayback());
    setEpoch((e) => e + 1);
  }, [recording]);

  useEffect(() => {
    if (!recording || !state.playing) {
      last.current = null;
      return;
    }
    let frame = requestAnimationFrame(function tick(now) {
      const elapsed = last.current === null ? 0 : now - last.current;
      last.current = now;
      setState((s) => advance(s, elapsed, recording.length));
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [recording, state.playing]);

  const eventsShown = recording ? recording.eventsBy(state.position) : 0;
  const shown = useMemo(() => (recording && eventsShown > 0 ? recording.spansAt(recording.positionOf(eventsShown - 1)) : []), [recording, eventsShown]);

  const seekTo = useCallback(
    (position: number) => {
      if (!recording) return;
      setState((s) => {
        if (position < s.position) setEpoch((e) => e + 1);
        return seek(s, position, recording.length);
      });
    },
    [recording],
  );

  if (!recording) return null;
  return {
    recording,
    state,
    eventsShown,
    spans: shown,
    epoch,
    toggle: () =>
      setState((s) => {
        if (s.playing) return pause(s);
        if (s.position >= recording.length) setEpoch((e) => e + 1); // plays again from the start
        return play(s, recording.length);
      }),
    speed: (speed) => setState((s) => setSpeed(s, speed)),
    seekTo,
    jumpToEvent: (index) => seekTo(recording.positionOf(index)),
  };
}
