import { useState } from 'react';
import { JsonViewer } from '../../components/JsonViewer';
import { formatDuration } from '../../lib/format';
import { studioApi } from '../../studio/api';
import { useStudio } from '../../studio/store';

/** The selected node in the run shown: input, output, error, every attempt; "run from this node". */
export function NodeRunData({ nodeId }: { nodeId: string }) {
  const detail = useStudio((s) => s.runDetail);
  const live = useStudio((s) => s.run?.nodes[nodeId]);
  const [error, setError] = useState<string | null>(null);
  if (!detail) {
    return live ? <p className="mt-3 text-xs text-zinc-500">This node is {live.status} in the current run…</p> : null;
  }
  const steps = detail.steps.filter((s) => s.nodeId === nodeId);
  const last = steps.at(-1);
  const rerun = async () => {
    setError(null);
    try {
      const { runId } = await studioApi.rerun(detail.run.id, { fromNode: nodeId, version: 'current' });
      useStudio.getState().showRun(runId);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="mt-4 space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800" data-testid="node-run-data">
      <div className="flex items-center gap-2">
        <h3 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Last run</h3>
        <button type="button" onClick={() => void rerun()} className="ml-auto rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
          Run from this node
        </button>
      </div>
      {error ? <p className="text-xs text-red-600">{error}</p> : null}
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
                <th>retry at</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={`${s.visit}.${s.attempt}`} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td>{s.visit}</td>
                  <td>{s.attempt}</td>
                  <td>{s.reused ? `${s.status} (reused)` : s.status}</td>
                  <td>{s.endedAt !== undefined ? formatDuration(s.endedAt - s.startedAt) : '…'}</td>
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
