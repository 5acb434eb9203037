import type { RecordedCall } from './recording.js';

/** One line the SDK appends to the report file while a replayed program runs (docs/replay.md). */
export interface ReplayEvent {
  type: 'replayed' | 'checkpoint' | 'live' | 'divergence';
  place: string;
  name: string;
  /** live: why a recorded call ran for real; divergence: what differs. */
  reason?: string;
  recordedSpan?: string;
  recordedHash?: string;
  hash?: string;
  edited?: boolean;
}

export interface ReplaySummary {
  replayed: number;
  live: ReplayEvent[];
  checkpoint: ReplayEvent | undefined;
  divergence: ReplayEvent | undefined;
  /** Recorded calls before the checkpoint that the program did not make again. */
  missing: RecordedCall[];
}

export function parseReport(text: string): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as ReplayEvent);
    } catch {
      // A line the program cut short when it was killed: the others still count.
    }
  }
  return events;
}

/** What happened, from the recording and the SDK's events. */
export function summarize(calls: readonly RecordedCall[], events: readonly ReplayEvent[]): ReplaySummary {
  const seen = new Set(events.map((e) => e.place));
  const replayedPlaces = events.filter((e) => e.type === 'replayed').map((e) => e.place);
  // A call under a replayed call was not made because its parent did not run: not missing.
  const underReplayed = (place: string) => replayedPlaces.some((p) => place.startsWith(`${p}/`));
  return {
    replayed: replayedPlaces.length,
    live: events.filter((e) => e.type === 'live'),
    checkpoint: events.find((e) => e.type === 'checkpoint'),
    divergence: events.find((e) => e.type === 'divergence'),
    missing: calls.filter((c) => c.phase === 'before' && !seen.has(c.place) && !underReplayed(c.place)),
  };
}

/** The summary the command prints when the program has exited. */
export function formatSummary(summary: ReplaySummary, checkpointPlace: string, newTraceId: string, compareUrl: string): string {
  const lines = [`runtime-hub replay: ${summary.replayed} recorded call${summary.replayed === 1 ? '' : 's'} replayed without running`];
  for (const live of summary.live) lines.push(`  ran for real: ${live.place} (${live.reason ?? 'live'})`);
  if (summary.checkpoint) lines.push(`  checkpoint ${summary.checkpoint.place} ran for real${summary.checkpoint.edited ? ' with the edited input' : ''}`);
  else lines.push(`  the checkpoint ${checkpointPlace} was never reached`);
  if (summary.divergence) {
    const d = summary.divergence;
    lines.push(`  first divergence at ${d.place}: ${d.reason ?? 'differs'}${d.recordedSpan ? ` (recorded span ${d.recordedSpan})` : ''}`);
  }
  const missing = summary.missing.slice(0, 5);
  for (const call of missing) lines.push(`  recorded but not called again: ${call.place} (span ${call.spanId})`);
  if (summary.missing.length > missing.length) lines.push(`  … and ${summary.missing.length - missing.length} more not called again`);
  lines.push(`  new trace ${newTraceId}`, `  compare: ${compareUrl}`);
  return `${lines.join('\n')}\n`;
}
