import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { Span } from '../../api/types';
import { invocable, invocation, invoke, type Invocable, type Invocation } from './replay-api';

const BUTTON = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800';

/**
 * "Re-invoke" (docs/replay.md): shown on a recorded call of a function a running instance of its
 * app offers (`@track(invocable=True)`); the arguments are edited as JSON, the call runs inside
 * the app, and its result and new span come back here. Everything shown is text.
 */
export function InvokePanel({ span }: { span: Span }) {
  const [offer, setOffer] = useState<Invocable | null>(null);
  // The recorded input: arguments by name (Python) or positional (TypeScript).
  const [args, setArgs] = useState(() => JSON.stringify(span.input !== null && typeof span.input === 'object' ? span.input : {}, null, 2));
  const [state, setState] = useState<{ busy: boolean; error?: string; invocation?: Invocation }>({ busy: false });

  useEffect(() => {
    const controller = new AbortController();
    invocable(span.service, controller.signal).then(setOffer, () => setOffer(null));
    return () => controller.abort();
  }, [span.service]);

  if (!offer || !offer.functions.some((f) => f.name === span.name)) return null;

  const run = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch (error) {
      setState({ busy: false, error: `The arguments are not JSON: ${(error as Error).message}` });
      return;
    }
    if (parsed === null || typeof parsed !== 'object') {
      setState({ busy: false, error: 'The arguments must be a JSON object of arguments by name, or a JSON array of positional ones.' });
      return;
    }
    setState({ busy: true });
    try {
      let { invocation: current } = await invoke(span.spanId, parsed as Record<string, unknown> | unknown[]);
      for (let i = 0; i < 6 && current.status !== 'done' && current.status !== 'expired'; i++) {
        ({ invocation: current } = await invocation(current.id, 10_000));
      }
      setState({ busy: false, invocation: current });
    } catch (error) {
      setState({ busy: false, error: (error as Error).message });
    }
  };

  const result = state.invocation?.result;
  return (
    <details data-testid="invoke-panel">
      <summary className="cursor-pointer text-xs text-indigo-600 dark:text-indigo-400">Re-invoke in the running app</summary>
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Runs {span.name} again inside the app with these arguments; the call is recorded as a new span linked to this one.</p>
      <textarea
        className="mt-1 h-32 w-full rounded border border-zinc-300 bg-white p-2 font-mono text-[11px] dark:border-zinc-700 dark:bg-zinc-950"
        value={args}
        onChange={(e) => setArgs(e.target.value)}
        aria-label="Arguments to re-invoke with (JSON)"
        data-testid="invoke-args"
        spellCheck={false}
      />
      <button type="button" className={BUTTON} onClick={() => void run()} disabled={state.busy} data-testid="invoke-run">
        {state.busy ? 'Running in the app…' : 'Re-invoke'}
      </button>
      {state.error ? (
        <p className="mt-1 text-xs text-red-600" data-testid="invoke-error">
          {state.error}
        </p>
      ) : null}
      {state.invocation ? (
        <div className="mt-1 text-xs" data-testid="invoke-result" data-status={result?.status ?? state.invocation.status}>
          {result ? (
            <>
              <span className={result.status === 'ok' ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-600'}>{result.status === 'ok' ? 'Returned' : `Raised ${result.error?.type ?? ''}`}</span>
              {result.traceId && result.spanId ? (
                <>
                  {' · '}
                  <Link href={`/traces/${result.traceId}?span=${result.spanId}`} className="text-indigo-600 hover:underline dark:text-indigo-400" data-testid="invoke-span-link">
                    the new span
                  </Link>
                </>
              ) : null}
              <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-2 font-mono text-[11px] dark:bg-zinc-900">
                {result.status === 'ok' ? JSON.stringify(result.output, null, 2) : (result.error?.message ?? '')}
              </pre>
            </>
          ) : (
            <span>{state.invocation.status === 'expired' ? 'No instance of the app took the call in time.' : 'Still running in the app…'}</span>
          )}
        </div>
      ) : null}
    </details>
  );
}
