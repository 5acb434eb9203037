import { useState } from 'react';
import { JsonViewer } from '../../components/JsonViewer';
import { formatDuration } from '../../lib/format';
import { studioApi } from '../../studio/api';
import { canPin, jsonText, parseJsonText } from '../../studio/pins';
import { isDirty, useStudio } from '../../studio/store';

const button = 'rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

/** A code node's error carries the stack of what was thrown (`details.stack`), shown as lines. */
function stackOf(details: unknown): string | undefined {
  const stack = details !== null && typeof details === 'object' ? (details as { stack?: unknown }).stack : undefined;
  return typeof stack === 'string' && stack.trim() !== '' ? stack : undefined;
}

/**
 * Re-runs the shown run from `nodeId` on the workflow's current version (edits saved first),
 * optionally with an edited input for that node, and shows the new run.
 */
async function rerunFrom(runId: string, nodeId: string, input?: unknown): Promise<void> {
  const state = useStudio.getState();
  if (isDirty(state) && !(await state.save())) throw new Error('Save failed; fix the issues, then re-run.');
  const body = input === undefined ? { fromNode: nodeId, version: 'current' as const } : { fromNode: nodeId, version: 'current' as const, input };
  const { runId: next } = await studioApi.rerun(runId, body);
  useStudio.getState().showRun(next);
}

/** The selected node in the run shown: input, output, error, every attempt; "run from this node". */
export function NodeRunData({ nodeId }: { nodeId: string }) {
  const detail = useStudio((s) => s.runDetail);
  const live = useStudio((s) => s.run?.nodes[nodeId]);
  const node = useStudio((s) => s.editing?.workflow.nodes.find((n) => n.id === nodeId));
  const info = useStudio((s) => (node ? s.types[node.type] : undefined));
  const apply = useStudio((s) => s.apply);
  const [error, setError] = useState<string | null>(null);
  const [inputDraft, setInputDraft] = useState<string | null>(null);
  if (!detail) {
    return live ? <p className="mt-3 text-xs text-zinc-500">This node is {live.status} in the current run…</p> : null;
  }
  const steps = detail.steps.filter((s) => s.nodeId === nodeId);
  const last = steps.at(-1);
  const rerun = async (withInput: boolean) => {
    setError(null);
    let input: unknown;
    if (withInput) {
      const parsed = parseJsonText(inputDraft ?? '');
      if ('error' in parsed) {
        setError(parsed.error);
        return;
      }
      input = parsed.value;
    }
    try {
      await rerunFrom(detail.run.id, nodeId, input);
      setInputDraft(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const isTrigger = node?.type === 'trigger';
  const pinnable = node !== undefined && canPin(node, info) && last?.status === 'succeeded';
  return (
    <section className="mt-4 space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800" data-testid="node-run-data">
      <div className="flex items-center gap-2">
        <h3 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Last run</h3>
        <span className="ml-auto flex flex-wrap justify-end gap-1">
          <button type="button" onClick={() => void rerun(false)} className={button}>
            Run from this node
          </button>
          {!isTrigger && inputDraft === null ? (
            <button type="button" onClick={() => setInputDraft(jsonText(last?.input))} className={button}>
              Edit input…
            </button>
          ) : null}
          {pinnable ? (
            <button type="button" onClick={() => apply({ type: 'setPin', id: nodeId, output: last.output })} className={button} title="Pin this output: runs started by hand use it instead of running the node">
              📌 Pin output
            </button>
          ) : null}
        </span>
      </div>
      {inputDraft !== null ? (
        <div data-testid="edit-input">
          <textarea aria-label="Edited input JSON" rows={6} spellCheck={false} value={inputDraft} onChange={(e) => setInputDraft(e.target.value)} className="w-full rounded border border-zinc-300 bg-white p-1 font-mono text-[11px] dark:border-zinc-700 dark:bg-zinc-900" />
          <div className="flex justify-end gap-1">
            <button type="button" className={button} onClick={() => setInputDraft(null)}>
              Cancel
            </button>
            <button type="button" className={`${button} border-emerald-500 text-emerald-800 dark:text-emerald-300`} onClick={() => void rerun(true)}>
              Run from here with this input
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-red-600">
          {error}
        </p>
      ) : null}
      {!last ? (
        <p className="text-xs text-zinc-500">Not reached in this run (skipped).</p>
      ) : (
        <>
          {last.input !== undefined ? <JsonViewer name="input" value={last.input} defaultDepth={2} testId="node-input" /> : null}
          {last.output !== undefined ? <JsonViewer name="output" value={last.output} defaultDepth={2} testId="node-output" /> : null}
          {last.error ? (
            <div className="rounded border border-red-200 bg-red-50 p-2 text-xs text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" data-testid="node-error">
              <div className="font-mono font-semibold">{last.error.code}</div>
              <pre className="whitespace-pre-wrap break-words">{last.error.message}</pre>
              {stackOf(last.error.details) ? (
                <pre className="mt-1 max-h-40 overflow-auto whitespace-pre text-[10px] opacity-80" data-testid="node-error-stack">
                  {stackOf(last.error.details)}
                </pre>
              ) : null}
              {last.error.details !== undefined ? <JsonViewer name="details" value={last.error.details} defaultDepth={1} /> : null}
            </div>
          ) : null}
          <table className="w-full text-[11px]" aria-label="Attempts">
            <thead className="text-left text-zinc-500">
              <tr>
                <th>visit</th>
                <th>attempt</th>
                <th>status</th>
                <th>took</th>
                <th>backoff</th>
                <th>retry at</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={`${s.visit}.${s.attempt}`} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td>{s.visit}</td>
                  <td>{s.attempt}</td>
                  <td>{s.reused ? `${s.status} (reused)` : s.pinned ? `${s.status} (pinned)` : s.status}</td>
                  <td>{s.endedAt !== undefined ? formatDuration(s.endedAt - s.startedAt) : '…'}</td>
                  <td data-testid="attempt-backoff">{s.retryAt !== undefined && s.endedAt !== undefined ? formatDuration(s.retryAt - s.endedAt) : ''}</td>
                  <td>{s.retryAt !== undefined ? new Date(s.retryAt).toLocaleTimeString() : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
