import { diffWords } from 'diff';
import type { Span } from '../../api/types';
import { type ChatMessage, llmCallOf } from '../../agents/conversation';
import { analyticsOf, type Totals } from '../../agents/run-stats';
import { alignSteps } from './align';

/**
 * The comparison of two runs (`/compare/:a/:b`), outside React: their steps aligned by kind and
 * name, each matched pair checked for a different prompt, answer or outcome, the first place they
 * part, word-level text diffs, tool sequences and totals side by side.
 */

export type RowStatus = 'same' | 'changed' | 'only-left' | 'only-right';

export interface CompareRow {
  left: Span | null;
  right: Span | null;
  status: RowStatus;
}

export interface Comparison {
  rows: CompareRow[];
  /** Index of the first row that is not `same`; null when the runs agree step by step. */
  firstDivergence: number | null;
  /** The differing middle was too long to align by LCS and was paired by position. */
  byPosition: boolean;
}

/** The steps of a run in start order: every span but the root (unless the root is all there is). */
export function stepsOf(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
  const ids = new Set(sorted.map((s) => s.spanId));
  const steps = sorted.filter((s) => s.parentSpanId !== null && ids.has(s.parentSpanId));
  return steps.length > 0 ? steps : sorted;
}

const json = (value: unknown): string => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 1));

function messageText(m: ChatMessage): string {
  const parts = m.parts.map((p) => {
    switch (p.type) {
      case 'text':
      case 'reasoning':
        return p.text;
      case 'tool_call':
        return `${p.name}(${json(p.arguments)})`;
      case 'tool_result':
        return json(p.result);
      default:
        return json(p.value);
    }
  });
  return `${m.role}: ${parts.join('\n')}`;
}

/**
 * What a step was asked and what it answered, as text: an LLM call's messages (`role: text`, one
 * per message), any other step's input and its output or error.
 */
export function stepTexts(span: Span): { prompt: string; answer: string } {
  if (span.kind === 'llm') {
    const call = llmCallOf(span);
    return { prompt: call.input.map(messageText).join('\n'), answer: call.output.map(messageText).join('\n') };
  }
  const error = span.error ? `${span.error.type}: ${span.error.message}` : '';
  return { prompt: json(span.input), answer: [json(span.output), error].filter(Boolean).join('\n') };
}

function samePair(a: Span, b: Span): boolean {
  if ((a.status === 'error') !== (b.status === 'error')) return false;
  const x = stepTexts(a);
  const y = stepTexts(b);
  return x.prompt === y.prompt && x.answer === y.answer;
}

export function compareRuns(left: readonly Span[], right: readonly Span[]): Comparison {
  const a = stepsOf(left);
  const b = stepsOf(right);
  const { rows, byPosition } = alignSteps(a, b);
  const out: CompareRow[] = rows.map((row) => {
    const l = row.left === null ? null : a[row.left]!;
    const r = row.right === null ? null : b[row.right]!;
    const status: RowStatus = !l ? 'only-right' : !r ? 'only-left' : samePair(l, r) ? 'same' : 'changed';
    return { left: l, right: r, status };
  });
  const first = out.findIndex((row) => row.status !== 'same');
  return { rows: out, firstDivergence: first === -1 ? null : first, byPosition: byPosition === true };
}

export interface DiffPiece {
  change: 'same' | 'added' | 'removed';
  text: string;
}

/** Word-level diff from `before` (the left run) to `after` (the right run). */
export function textDiff(before: string, after: string): DiffPiece[] {
  return diffWords(before, after).map((c) => ({ change: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** The tools a run called, in start order. */
export function toolSequence(spans: readonly Span[]): string[] {
  return stepsOf(spans)
    .filter((s) => s.kind === 'tool')
    .map((s) => s.name);
}

export interface RunSummary {
  root: Span | undefined;
  totals: Totals;
  /** From the first start to the last end; null while running. */
  durationMs: number | null;
  running: boolean;
}

export function summaryOf(spans: readonly Span[]): RunSummary {
  const root = spans.find((s) => s.parentSpanId === null) ?? spans[0];
  const running = spans.some((s) => s.endTime === null);
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.startTime);
    end = Math.max(end, s.endTime ?? s.startTime);
  }
  return { root, totals: analyticsOf(spans).totals, durationMs: running || spans.length === 0 ? null : end - start, running };
}
