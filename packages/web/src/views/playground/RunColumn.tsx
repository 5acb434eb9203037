import { formatDuration, formatUsd } from '../../lib/format';
import { wordDiff, type Provider, type Target } from './playground-model';
import type { RunSummary } from './run-stream';

export interface ColumnState {
  text: string;
  running: boolean;
  summary?: RunSummary;
  error?: string;
}

const input = 'w-full rounded border border-zinc-300 bg-transparent px-2 py-1 text-xs dark:border-zinc-700';

/** Facts of one call: tokens in/out, cost, latency. */
export function Stats({ label, inputTokens, outputTokens, costUsd, latencyMs, testId }: { label: string; inputTokens?: number; outputTokens?: number; costUsd?: number; latencyMs?: number | null; testId: string }) {
  return (
    <dl className="grid grid-cols-[5rem_1fr] gap-x-2 text-xs" data-testid={testId}>
      <dt className="col-span-2 font-medium text-zinc-500">{label}</dt>
      <dt className="text-zinc-500">Tokens</dt>
      <dd data-testid={`${testId}-tokens`}>{inputTokens ?? '–'} in · {outputTokens ?? '–'} out</dd>
      <dt className="text-zinc-500">Cost</dt>
      <dd>{costUsd === undefined ? '–' : formatUsd(costUsd)}</dd>
      <dt className="text-zinc-500">Latency</dt>
      <dd>{latencyMs === undefined || latencyMs === null ? '–' : formatDuration(latencyMs)}</dd>
    </dl>
  );
}

/** The word diff from the recorded answer, as React text (an answer is never HTML). */
export function AnswerDiff({ recorded, fresh }: { recorded: string; fresh: string }) {
  return (
    <p className="whitespace-pre-wrap break-words text-sm" data-testid="answer-diff">
      {wordDiff(recorded, fresh).map((piece, i) =>
        piece.kind === 'same' ? (
          <span key={i}>{piece.text}</span>
        ) : piece.kind === 'added' ? (
          <ins key={i} className="bg-green-100 text-green-900 no-underline dark:bg-green-950 dark:text-green-200">
            {piece.text}
          </ins>
        ) : (
          <del key={i} className="bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200">
            {piece.text}
          </del>
        ),
      )}
    </p>
  );
}

/** One model to run the messages on: where to send them, the streamed answer, its diff and facts. */
export function RunColumn({
  index,
  target,
  state,
  recordedAnswer,
  onChange,
  onRemove,
}: {
  index: number;
  target: Target;
  state: ColumnState | undefined;
  recordedAnswer: string | undefined;
  onChange: (target: Target) => void;
  onRemove?: () => void;
}) {
  const s = state?.summary;
  return (
    <section className="flex min-w-72 flex-1 flex-col gap-2 rounded border border-zinc-200 p-3 dark:border-zinc-800" aria-label={`Model ${index + 1}`} data-testid="run-column">
      <div className="grid grid-cols-2 gap-2">
        <label className="text-xs text-zinc-500">
          Provider
          <select className={input} value={target.provider} onChange={(e) => onChange({ ...target, provider: e.target.value as Provider })} aria-label="Provider">
            <option value="openai">OpenAI</option>
            <option value="anthropic">Anthropic</option>
            <option value="openai-compatible">OpenAI-compatible</option>
          </select>
        </label>
        <label className="text-xs text-zinc-500">
          Model
          <input className={input} value={target.model} onChange={(e) => onChange({ ...target, model: e.target.value })} aria-label="Model" />
        </label>
        <label className="text-xs text-zinc-500">
          Base URL
          <input className={input} value={target.baseUrl} placeholder="official endpoint" onChange={(e) => onChange({ ...target, baseUrl: e.target.value })} aria-label="Base URL" />
        </label>
        <label className="text-xs text-zinc-500">
          Key name
          <input className={input} value={target.keyName} placeholder={target.provider === 'openai-compatible' ? 'none' : target.provider} onChange={(e) => onChange({ ...target, keyName: e.target.value })} aria-label="Key name" />
        </label>
      </div>
      {onRemove ? (
        <button type="button" className="self-end text-xs text-zinc-500 hover:underline" onClick={onRemove}>
          Remove this model
        </button>
      ) : null}
      <div className="min-h-24 rounded bg-zinc-50 p-2 dark:bg-zinc-900" data-testid="answer" data-running={state?.running ? 'true' : 'false'}>
        {state?.error ? (
          <p className="text-sm text-red-700 dark:text-red-400" role="alert" data-testid="run-error">
            {state.error}
          </p>
        ) : state ? (
          <p className="whitespace-pre-wrap break-words text-sm" data-testid="answer-text">
            {state.text}
            {state.running ? <span className="animate-pulse">▍</span> : null}
          </p>
        ) : (
          <p className="text-sm text-zinc-400">Run to see the answer here.</p>
        )}
      </div>
      {state && !state.running && !state.error && recordedAnswer !== undefined ? (
        <div>
          <h4 className="text-xs font-medium text-zinc-500">Diff against the recorded answer</h4>
          <AnswerDiff recorded={recordedAnswer} fresh={state.text} />
        </div>
      ) : null}
      {s ? (
        <>
          <Stats label="This run" testId="run-stats" inputTokens={s.inputTokens} outputTokens={s.outputTokens} costUsd={s.costUsd} latencyMs={s.latencyMs} />
          {s.unresolvedVariables.length ? <p className="text-xs text-amber-700">No value for: {s.unresolvedVariables.join(', ')}</p> : null}
          <a className="text-xs text-indigo-600 hover:underline dark:text-indigo-400" href={`/traces/${s.traceId}?span=${s.spanId}`} data-testid="run-span-link">
            Stored as span {s.spanId}
          </a>
        </>
      ) : null}
    </section>
  );
}
