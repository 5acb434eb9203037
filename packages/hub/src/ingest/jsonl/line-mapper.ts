import { finishTranscript, transcriptHasOpenWork } from '../claude/transcript-finish.js';
import { isTranscriptLine, mapTranscriptLines, newTranscriptState, type TranscriptState } from '../claude/transcript-mapping.js';
import { isAgentTraceLine, mapAgentTraceLine } from './agent-trace.js';

/** One complete line of a file: its text (without the newline), number and byte range. */
export interface Line {
  text: string;
  line: number;
  offset: number;
  /** Byte offset just past its newline. */
  end: number;
}

/** What a file's mapping carries from one batch of lines to the next (persisted with the offset). */
export interface FileMapperState {
  transcript?: TranscriptState;
}

export interface LineProblem {
  line: number;
  message: string;
}

export interface MappedLines {
  /** Span records (validated by the ingest path), each with the line it came from. */
  records: { record: unknown; line: number }[];
  problems: LineProblem[];
  state: FileMapperState;
}

/**
 * Maps a batch of lines of one file. Each line is recognized on its own: a runtime-hub span record
 * (`traceId` and `spanId`), a Claude Code transcript line, or an agent trace line (seed 002). Lines
 * that are none of these, or not JSON, are problems with their line number; the rest go on.
 */
export function mapLines(fileKey: string, prior: FileMapperState, lines: readonly Line[]): MappedLines {
  const records: MappedLines['records'] = [];
  const problems: LineProblem[] = [];
  const transcript: { value: Record<string, unknown>; line: number }[] = [];
  for (const { text, line, offset } of lines) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      problems.push({ line, message: `not valid JSON (${(error as Error).message.slice(0, 120)})` });
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, message: 'not a JSON object' });
      continue;
    }
    const v = value as Record<string, unknown>;
    if (typeof v.traceId === 'string' && typeof v.spanId === 'string') {
      records.push({ record: v, line });
    } else if (isTranscriptLine(v)) {
      transcript.push({ value: v, line });
    } else if (isAgentTraceLine(v)) {
      const mapped = mapAgentTraceLine(v, fileKey, offset);
      if (mapped.ok) records.push({ record: mapped.record, line });
      else problems.push({ line, message: mapped.message });
    } else {
      problems.push({ line, message: 'unrecognized line: not a span record (traceId, spanId), an agent trace line (span_type) or a Claude Code transcript line' });
    }
  }
  let state = prior;
  if (transcript.length > 0) {
    const mapped = mapTranscriptLines(prior.transcript ?? newTranscriptState(), transcript);
    records.push(...mapped.records);
    problems.push(...mapped.problems);
    state = { ...prior, transcript: mapped.state };
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, problems, state };
}

/** Whether a file idle for long still holds open work that finishLines would close. */
export function hasOpenWork(state: FileMapperState): boolean {
  return state.transcript !== undefined && transcriptHasOpenWork(state.transcript);
}

/** Closes what a file left open when it stopped growing (a Claude Code session killed mid-turn). */
export function finishLines(state: FileMapperState): MappedLines {
  if (!state.transcript) return { records: [], problems: [], state };
  const finished = finishTranscript(state.transcript);
  return { records: finished.records, problems: [], state: { ...state, transcript: finished.state } };
}
