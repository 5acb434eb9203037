import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { Span } from '../../api/types';
import { AnnotationMarks, type MarksBySpan, useTraceMarks } from '../../components/AnnotationMarks';
import { KindTag } from '../../components/StatusBadge';
import { formatCount, formatDuration } from '../../lib/format';
import { useSearchParam } from '../../state/use-filters';
import { type CompareRow, compareRuns, stepTexts, summaryOf, toolSequence } from './compare-model';
import { RunCard, ToolSequence, Totals } from './CompareSummary';
import { DiffText } from './DiffText';

const SpanDetail = lazy(() => import('../../components/SpanDetail').then((m) => ({ default: m.SpanDetail })));

/** Rows drawn at first; more on request (two runs of thousands of steps stay quick to open). */
const ROWS_PAGE = 1000;

function useRun(traceId: string): { spans?: Span[]; error?: string } {
  const [state, setState] = useState<{ spans?: Span[]; error?: string }>({});
  useEffect(() => {
    const abort = new AbortController();
    setState({});
    api.trace(traceId, abort.signal).then(
      (t) => setState({ spans: t.spans }),
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setState({ error: e instanceof ApiError && e.code === 'TRACE_NOT_FOUND' ? `No run with id ${traceId} is stored.` : String((e as Error).message) });
      },
    );
    return () => abort.abort();
  }, [traceId]);
  return state;
}

/**
 * /compare/:a/:b — two runs or sessions side by side: totals, tool sequences, their steps aligned
 * by kind and name with prompt and answer diffs, and where they first part (issue 11).
 */
export default function CompareView({ a, b }: { a: string; b: string }) {
  const left = useRun(a);
  const right = useRun(b);
  const marks = useTraceMarks(useMemo(() => [a, b], [a, b]));
  const [selected, setSelected] = useSearchParam('span');
  const error = left.error ?? right.error;
  if (error) return <div className="p-6 text-sm text-red-600" role="alert">{error}</div>;
  if (!left.spans || !right.spans) return <div className="p-6 text-sm text-zinc-500">Loading both runs…</div>;
  const all = [...left.spans, ...right.spans];
  const span = selected ? all.find((s) => s.spanId === selected) : undefined;
  return (
    <div className="flex min-h-0 flex-1" data-testid="compare">
      <div className="min-w-0 flex-1 overflow-y-auto">
        <Comparison a={a} b={b} left={left.spans} right={right.spans} marks={marks} onSelect={setSelected} />
      </div>
      {span ? (
        <aside className="w-[28rem] shrink-0 overflow-y-auto border-l border-zinc-200 dark:border-zinc-800">
          <Suspense fallback={null}>
            <SpanDetail
              span={span}
              parent={span.parentSpanId ? (all.find((s) => s.spanId === span.parentSpanId) ?? null) : null}
              childSpans={all.filter((s) => s.parentSpanId === span.spanId).slice(0, 100)}
              childrenTruncated={false}
              onSelect={setSelected}
              onClose={() => setSelected(null)}
            />
          </Suspense>
        </aside>
      ) : null}
    </div>
  );
}

function Comparison({ a, b, left, right, marks, onSelect }: { a: string; b: string; left: Span[]; right: Span[]; marks: MarksBySpan; onSelect(id: string): void }) {
  const comparison = useMemo(() => compareRuns(left, right), [left, right]);
  const sums = useMemo(() => [summaryOf(left), summaryOf(right)] as const, [left, right]);
  const tools = useMemo(() => [toolSequence(left), toolSequence(right)] as const, [left, right]);
  const { rows, firstDivergence } = comparison;
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set(firstDivergence === null ? [] : [firstDivergence]));
  const [shown, setShown] = useState(Math.max(ROWS_PAGE, (firstDivergence ?? 0) + 50));
  const divergenceRow = useRef<HTMLTableRowElement>(null);
  const toggle = (i: number) => setOpen((o) => (o.has(i) ? new Set([...o].filter((x) => x !== i)) : new Set([...o, i])));
  const jump = () => {
    if (firstDivergence === null) return;
    setOpen((o) => new Set([...o, firstDivergence]));
    divergenceRow.current?.scrollIntoView({ block: 'center' });
    divergenceRow.current?.focus();
  };
  const divergence = firstDivergence === null ? null : rows[firstDivergence]!;
  return (
    <div className="space-y-4 p-4 text-xs">
      <div className="grid grid-cols-2 gap-4">
        <RunCard side="A" traceId={a} summary={sums[0]} />
        <RunCard side="B" traceId={b} summary={sums[1]} />
      </div>
      <Totals a={sums[0]} b={sums[1]} steps={[rows.filter((r) => r.left).length, rows.filter((r) => r.right).length]} />
      <section>
        <h2 className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Tool sequence</h2>
        <ToolSequence label="A" names={tools[0]} other={tools[1]} />
        <ToolSequence label="B" names={tools[1]} other={tools[0]} />
      </section>
      <section
        className={`flex items-center gap-3 rounded border px-3 py-2 ${divergence ? 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950/40' : 'border-emerald-300 bg-emerald-50 dark:border-emerald-900 dark:bg-emerald-950/40'}`}
        data-testid="divergence-summary"
        data-step={firstDivergence ?? undefined}
      >
        {divergence ? (
          <>
            <span>
              First divergence at step {firstDivergence! + 1}: <DivergenceText row={divergence} />
            </span>
            <button type="button" className="ml-auto rounded bg-red-600 px-2 py-0.5 text-white hover:bg-red-700" onClick={jump} data-testid="jump-to-divergence">
              Jump to it
            </button>
          </>
        ) : (
          <span>The runs agree step by step: same steps, prompts, answers and outcomes.</span>
        )}
      </section>
      {comparison.byPosition ? (
        <p className="text-amber-700 dark:text-amber-400" data-testid="aligned-by-position">
          The runs differ over too many steps to align them by kind and name: their differing middle is paired by position.
        </p>
      ) : null}
      <table className="w-full table-fixed border-collapse" data-testid="compare-steps">
        <thead>
          <tr className="text-left text-[11px] uppercase tracking-wide text-zinc-500">
            <th className="w-10 py-1">#</th>
            <th className="py-1">A</th>
            <th className="w-6" />
            <th className="py-1">B</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, shown).map((row, i) => (
            <StepRow
              key={i}
              index={i}
              row={row}
              first={i === firstDivergence}
              open={open.has(i)}
              onToggle={() => toggle(i)}
              onSelect={onSelect}
              marks={marks}
              rowRef={i === firstDivergence ? divergenceRow : undefined}
            />
          ))}
        </tbody>
      </table>
      {rows.length > shown ? (
        <button type="button" className="rounded border border-zinc-300 px-3 py-1 dark:border-zinc-700" onClick={() => setShown((n) => n + ROWS_PAGE)}>
          Show more steps ({(rows.length - shown).toLocaleString()} left)
        </button>
      ) : null}
    </div>
  );
}

function DivergenceText({ row }: { row: CompareRow }) {
  const step = (row.left ?? row.right)!;
  const what = `${step.kind} “${step.name}”`;
  if (row.status === 'only-left') return <>{what} only in A</>;
  if (row.status === 'only-right') return <>{what} only in B</>;
  const x = stepTexts(row.left!);
  const y = stepTexts(row.right!);
  const differs = [x.prompt !== y.prompt ? 'prompt' : '', x.answer !== y.answer ? 'answer' : '', (row.left!.status === 'error') !== (row.right!.status === 'error') ? 'outcome' : ''].filter(Boolean);
  return (
    <>
      {what} in both, {differs.join(', ')} differ{differs.length === 1 ? 's' : ''}
    </>
  );
}

const ROW_STYLE: Record<CompareRow['status'], string> = {
  same: '',
  changed: 'bg-yellow-50 dark:bg-yellow-950/30',
  'only-left': 'bg-red-50 dark:bg-red-950/30',
  'only-right': 'bg-emerald-50 dark:bg-emerald-950/30',
};
const ROW_SIGN: Record<CompareRow['status'], string> = { same: '=', changed: '≠', 'only-left': '−', 'only-right': '+' };

function StepRow(props: {
  index: number;
  row: CompareRow;
  first: boolean;
  open: boolean;
  onToggle(): void;
  onSelect(id: string): void;
  marks: MarksBySpan;
  rowRef: React.RefObject<HTMLTableRowElement | null> | undefined;
}) {
  const { index, row, first, open, onToggle, onSelect, marks, rowRef } = props;
  return (
    <>
      <tr
        ref={rowRef}
        tabIndex={first ? -1 : undefined}
        className={`cursor-pointer border-t border-zinc-100 align-top dark:border-zinc-900 ${ROW_STYLE[row.status]} ${first ? 'outline outline-2 outline-red-500' : ''}`}
        onClick={onToggle}
        data-testid="compare-row"
        data-status={row.status}
        data-first-divergence={first || undefined}
        aria-expanded={open}
      >
        <td className="py-1 font-mono text-zinc-500">{index + 1}</td>
        <StepCell span={row.left} onSelect={onSelect} marks={marks} />
        <td className="py-1 text-center font-mono text-zinc-500" title={row.status}>
          {ROW_SIGN[row.status]}
        </td>
        <StepCell span={row.right} onSelect={onSelect} marks={marks} />
      </tr>
      {open ? (
        <tr className={ROW_STYLE[row.status]}>
          <td />
          <td colSpan={3} className="pb-2">
            <StepDiff row={row} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function StepCell({ span, onSelect, marks }: { span: Span | null; onSelect(id: string): void; marks: MarksBySpan }) {
  if (!span) return <td className="py-1 italic text-zinc-400">—</td>;
  const tokens = span.usage ? (span.usage.inputTokens ?? 0) + (span.usage.outputTokens ?? 0) : 0;
  return (
    <td className="py-1">
      <div className="flex min-w-0 items-center gap-2">
        <KindTag kind={span.kind} />
        <button
          type="button"
          className={`truncate font-mono hover:underline ${span.status === 'error' ? 'text-red-600' : ''}`}
          onClick={(e) => {
            e.stopPropagation();
            onSelect(span.spanId);
          }}
          data-testid="step-name"
        >
          {span.name}
        </button>
        <span className="shrink-0 text-zinc-500">{span.endTime === null ? 'running' : formatDuration(span.durationMs)}</span>
        {tokens ? <span className="shrink-0 text-zinc-500">{formatCount(tokens)} tok</span> : null}
        <AnnotationMarks marks={marks.get(span.spanId)} />
      </div>
    </td>
  );
}

function StepDiff({ row }: { row: CompareRow }) {
  const x = row.left ? stepTexts(row.left) : { prompt: '', answer: '' };
  const y = row.right ? stepTexts(row.right) : { prompt: '', answer: '' };
  const isLlm = (row.left ?? row.right)!.kind === 'llm';
  return (
    <div className="grid gap-2" data-testid="step-diff">
      <DiffText title={isLlm ? 'Prompt' : 'Input'} before={x.prompt} after={y.prompt} testId="prompt-diff" />
      <DiffText title={isLlm ? 'Answer' : 'Output'} before={x.answer} after={y.answer} testId="answer-diff" />
    </div>
  );
}
