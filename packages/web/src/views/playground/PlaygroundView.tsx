import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { Span } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { KeysPanel } from './KeysPanel';
import { MessageEditor } from './MessageEditor';
import { guessTarget, recordedOf, ROLES, toGenAi, variablesOf, type EditableMessage, type Recorded, type Role, type Target } from './playground-model';
import { RunColumn, Stats, type ColumnState } from './RunColumn';
import { playgroundApi, runPlayground } from './run-stream';

const input = 'rounded border border-zinc-300 bg-transparent px-2 py-1 text-xs dark:border-zinc-700';
const button = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

/**
 * The prompt playground (docs/playground.md): a recorded LLM call's messages, editable, with
 * `{{variables}}`, run on one or several models side by side; each answer streams in, is diffed
 * word by word against the recorded one and stored by the hub as a span under the original.
 */
export default function PlaygroundView({ spanId }: { spanId?: string }) {
  const [original, setOriginal] = useState<Span>();
  const [recorded, setRecorded] = useState<Recorded>();
  const [loadError, setLoadError] = useState('');
  const [messages, setMessages] = useState<EditableMessage[]>([{ role: 'user', text: '', extra: [] }]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [temperature, setTemperature] = useState('');
  const [maxTokens, setMaxTokens] = useState('');
  const [targets, setTargets] = useState<Target[]>([guessTarget(undefined, 'gpt-4o-mini')]);
  const [columns, setColumns] = useState<Record<number, ColumnState>>({});
  const [history, setHistory] = useState<Span[]>([]);
  const aborts = useRef<AbortController[]>([]);

  const loadHistory = useCallback(() => {
    if (spanId) void playgroundApi.runs(spanId).then((r) => setHistory(r.runs), () => undefined);
  }, [spanId]);

  useEffect(() => {
    if (!spanId) return;
    const controller = new AbortController();
    api.span(spanId, controller.signal).then(
      ({ span }) => {
        const r = recordedOf(span);
        setOriginal(span);
        setRecorded(r);
        if (r.messages.length) setMessages(r.messages);
        setTemperature(r.temperature === undefined ? '' : String(r.temperature));
        setMaxTokens(r.maxTokens === undefined ? '' : String(r.maxTokens));
        setTargets([guessTarget(span, r.model)]);
      },
      (error: Error) => !controller.signal.aborted && setLoadError(error.message),
    );
    loadHistory();
    return () => controller.abort();
  }, [spanId, loadHistory]);

  useEffect(() => () => aborts.current.forEach((a) => a.abort()), []);

  const names = variablesOf(messages);
  const running = Object.values(columns).some((c) => c.running);
  const setMessage = (i: number, change: Partial<EditableMessage>) => setMessages((all) => all.map((m, j) => (j === i ? { ...m, ...change } : m)));
  const setColumn = (i: number, change: (c: ColumnState) => ColumnState) => setColumns((all) => ({ ...all, [i]: change(all[i] ?? { text: '', running: false }) }));

  const run = () => {
    aborts.current.forEach((a) => a.abort());
    aborts.current = targets.map(() => new AbortController());
    const parameters = {
      ...(temperature.trim() ? { temperature: Number(temperature) } : {}),
      ...(maxTokens.trim() ? { maxTokens: Number(maxTokens) } : {}),
    };
    const variables = Object.fromEntries(names.map((n) => [n, values[n] ?? '']));
    const runs = targets.map(async (target, i) => {
      setColumn(i, () => ({ text: '', running: true }));
      const body = {
        ...(spanId ? { spanId } : {}),
        provider: target.provider,
        model: target.model,
        ...(target.baseUrl.trim() ? { baseUrl: target.baseUrl.trim() } : {}),
        ...(target.keyName.trim() ? { keyName: target.keyName.trim() } : {}),
        messages: toGenAi(messages),
        variables,
        parameters,
        stream: true,
      };
      try {
        const summary = await runPlayground(body, (text) => setColumn(i, (c) => ({ ...c, text: c.text + text })), aborts.current[i]!.signal);
        setColumn(i, (c) => ({ ...c, running: false, summary, text: summary.text, ...(summary.error ? { error: summary.error.message } : {}) }));
      } catch (error) {
        setColumn(i, (c) => ({ ...c, running: false, error: (error as Error).message }));
      }
    });
    void Promise.all(runs).then(loadHistory);
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto" data-testid="playground">
      <header className="flex items-center gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h1 className="text-sm font-semibold">Prompt playground</h1>
        {original ? (
          <a className="truncate font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400" href={`/traces/${original.traceId}?span=${original.spanId}`} data-testid="original-link">
            {original.service} · {original.name}
          </a>
        ) : null}
        <div className="ml-auto">
          <button type="button" className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50" disabled={running || targets.some((t) => !t.model)} onClick={run}>
            {running ? 'Running…' : targets.length > 1 ? `Run on ${targets.length} models` : 'Run'}
          </button>
        </div>
      </header>
      {loadError ? (
        <p className="px-4 py-2 text-sm text-red-700" role="alert">
          {loadError}
        </p>
      ) : null}
      <div className="grid gap-4 p-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="flex flex-col gap-3" aria-label="Messages">
          {messages.map((m, i) => (
            <div key={i} className="flex flex-col gap-1" data-testid="message">
              <div className="flex items-center gap-2">
                <select className={input} value={m.role} onChange={(e) => setMessage(i, { role: e.target.value as Role })} aria-label={`Role of message ${i + 1}`}>
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
                {m.extra.length ? <span className="text-xs text-zinc-500">+ {m.extra.length} tool part{m.extra.length > 1 ? 's' : ''}, sent as recorded</span> : null}
                <button type="button" className="ml-auto text-xs text-zinc-500 hover:underline" onClick={() => setMessages((all) => all.filter((_, j) => j !== i))} aria-label={`Remove message ${i + 1}`}>
                  Remove
                </button>
              </div>
              <MessageEditor value={m.text} onChange={(text) => setMessage(i, { text })} label={`Message ${i + 1} (${m.role})`} />
            </div>
          ))}
          <button type="button" className={`${button} self-start`} onClick={() => setMessages((all) => [...all, { role: 'user', text: '', extra: [] }])}>
            Add message
          </button>
          {names.length ? (
            <table className="text-xs" data-testid="variables">
              <thead>
                <tr className="text-left text-zinc-500">
                  <th className="font-medium">Variable</th>
                  <th className="font-medium">Value</th>
                </tr>
              </thead>
              <tbody>
                {names.map((n) => (
                  <tr key={n}>
                    <td className="pr-2 font-mono">{`{{${n}}}`}</td>
                    <td>
                      <input className={`${input} w-full`} value={values[n] ?? ''} onChange={(e) => setValues((v) => ({ ...v, [n]: e.target.value }))} aria-label={`Value of ${n}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div className="flex gap-3 text-xs text-zinc-500">
            <label>
              Temperature <input className={`${input} w-16`} inputMode="decimal" value={temperature} onChange={(e) => setTemperature(e.target.value)} aria-label="Temperature" />
            </label>
            <label>
              Max tokens <input className={`${input} w-20`} inputMode="numeric" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} aria-label="Max tokens" />
            </label>
          </div>
          <KeysPanel />
        </div>
        <div className="flex flex-col gap-3">
          {recorded ? (
            <section className="rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid="recorded">
              <h3 className="text-xs font-medium text-zinc-500">Recorded answer ({recorded.model ?? 'unknown model'})</h3>
              <p className="whitespace-pre-wrap break-words text-sm" data-testid="recorded-answer">
                {recorded.answer}
              </p>
              <Stats label="Original" testId="original-stats" inputTokens={recorded.inputTokens} outputTokens={recorded.outputTokens} costUsd={recorded.costUsd} latencyMs={recorded.latencyMs} />
            </section>
          ) : null}
          <div className="flex flex-wrap gap-3">
            {targets.map((t, i) => (
              <RunColumn
                key={i}
                index={i}
                target={t}
                state={columns[i]}
                recordedAnswer={recorded?.answer}
                onChange={(next) => setTargets((all) => all.map((x, j) => (j === i ? next : x)))}
                {...(targets.length > 1 ? { onRemove: () => (setTargets((all) => all.filter((_, j) => j !== i)), setColumns({})) } : {})}
              />
            ))}
          </div>
          <button type="button" className={`${button} self-start`} onClick={() => setTargets((all) => [...all, { ...all[all.length - 1]!, model: '' }])}>
            Compare with another model
          </button>
          {history.length ? (
            <section data-testid="run-history">
              <h3 className="text-xs font-medium text-zinc-500">Earlier playground runs of this call</h3>
              <ul className="text-xs">
                {history.map((h) => (
                  <li key={h.spanId}>
                    <a className="text-indigo-600 hover:underline dark:text-indigo-400" href={`/traces/${h.traceId}?span=${h.spanId}`}>
                      {formatDateTime(h.startTime)} · {h.usage?.model ?? h.name} · {h.status}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
