import { PLAYBACK_SPEEDS } from '../../agents/playback';
import { formatDuration } from '../../lib/format';
import type { Playback } from './use-playback';

/** Play / pause, 1× 10× 100×, the position in run time, and steps of one event back or forward. */
export function PlaybackBar({ playback }: { playback: Playback }) {
  const { recording, state, eventsShown } = playback;
  const total = recording.events.length;
  const button = 'rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 disabled:opacity-40 dark:border-zinc-700 dark:hover:bg-zinc-800';
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-3 py-1.5 text-xs dark:border-zinc-800 dark:bg-zinc-900" data-testid="playback-bar">
      <button type="button" className={button} onClick={playback.toggle} data-testid="playback-play" aria-label={state.playing ? 'Pause' : 'Play'}>
        {state.playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <div className="flex" role="group" aria-label="Speed">
        {PLAYBACK_SPEEDS.map((speed) => (
          <button
            key={speed}
            type="button"
            aria-pressed={state.speed === speed}
            data-testid={`playback-speed-${speed}`}
            onClick={() => playback.speed(speed)}
            className={`border border-zinc-300 px-2 py-0.5 first:rounded-l last:rounded-r dark:border-zinc-700 ${state.speed === speed ? 'bg-indigo-600 text-white' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
          >
            {speed}×
          </button>
        ))}
      </div>
      <button type="button" className={button} disabled={eventsShown <= 1} onClick={() => playback.jumpToEvent(eventsShown - 2)} data-testid="playback-prev" aria-label="Previous event" title="Previous event">
        ‹ event
      </button>
      <button type="button" className={button} disabled={eventsShown >= total} onClick={() => playback.jumpToEvent(eventsShown)} data-testid="playback-next" aria-label="Next event" title="Next event">
        event ›
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(1, recording.length)}
        step="any"
        value={state.position}
        onChange={(e) => playback.seekTo(Number(e.target.value))}
        className="min-w-40 flex-1"
        aria-label="Position in the run"
        data-testid="playback-position"
      />
      <span className="font-mono tabular-nums text-zinc-600 dark:text-zinc-400" data-testid="playback-clock" data-events={eventsShown} data-position={Math.round(state.position)}>
        +{formatDuration(state.position)} / {formatDuration(recording.length)} · event {eventsShown} of {total}
      </span>
    </div>
  );
}
