import { limitString } from './limit-value.js';
import { baseOf, flush, type MappedRecord, type TranscriptState } from './transcript-records.js';

/**
 * The file stopped growing long ago (the watcher's idle time): what is still open is closed at the
 * last event — the turn, and tool calls that never got a result (status unset) — so a session whose
 * Claude Code was killed mid-turn does not run forever. Anything written later carries on as
 * usual (a late result ends its tool properly, a turn's end moves).
 */
export function finishTranscript(prior: TranscriptState): { records: MappedRecord[]; state: TranscriptState } {
  const state = structuredClone(prior);
  const records: MappedRecord[] = [];
  const sid = state.sessionId;
  if (!sid || state.idle) return { records, state };
  state.idle = true;
  const last = state.last ?? 0;
  const main = state.scopes.main;
  if (main?.spanId && !main.ended && !main.quiet) {
    main.ended = true;
    main.dirty = true;
  }
  for (const [id, tool] of Object.entries(state.tools)) {
    if (tool.closed) continue;
    tool.closed = true;
    records.push({
      line: 0,
      record: { ...baseOf(sid), spanId: tool.spanId, name: limitString(tool.name, 200), kind: 'tool', startTime: tool.start, endTime: Math.max(tool.start, last), status: 'unset', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool.name, 'gen_ai.tool.call.id': id, 'claude_code.no_result': true } },
    });
  }
  flush(state, records);
  return { records, state };
}

/** Whether finishTranscript has something to close. */
export function transcriptHasOpenWork(state: TranscriptState): boolean {
  if (!state.sessionId || state.idle) return false;
  const main = state.scopes.main;
  return Boolean((main?.spanId && !main.ended && !main.quiet) || Object.values(state.tools).some((t) => !t.closed));
}
