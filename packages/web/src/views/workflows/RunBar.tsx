import { useState } from 'react';
import { Link } from 'wouter';
import { JsonViewer } from '../../components/JsonViewer';
import { studioApi } from '../../studio/api';
import { isDirty, useStudio } from '../../studio/store';


/** Run the workflow with JSON trigger data (remembered per workflow) and see the run's outcome. */
export function RunBar({ project, workflowId }: { project: string; workflowId: string }) {
  const data = useStudio((s) => s.triggerText);
  const setData = useStudio((s) => s.setTriggerText);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(true);
  const run = useStudio((s) => s.run);
  const detail = useStudio((s) => s.runDetail);

  const start = async () => {
    setError(null);
    let body: unknown;
    try {
      body = data.trim() === '' ? null : JSON.parse(data);
    } catch (err) {
      setError(`Trigger data is not JSON: ${(err as Error).message}`);
      return;
    }
    const state = useStudio.getState();
    // A run uses the saved version: save edits first.
    if (isDirty(state) && !(await state.save())) {
      setError('Save failed; fix the issues, then run.');
      return;
    }
    try {
      const { runId } = await studioApi.startRun(project, workflowId, body);
      useStudio.getState().showRun(runId);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const cancel = async () => {
    if (run) await studioApi.cancel(run.runId).catch((err: unknown) => setError((err as Error).message));
  };

  return (
    <section aria-label="Run" className="shrink-0 border-t border-zinc-200 text-xs dark:border-zinc-800">
      <div className="flex items-center gap-2 px-3 py-1.5">
        <button type="button" onClick={() => setOpen(!open)} className="text-zinc-500" aria-expanded={open}>
          {open ? '▾' : '▸'} Run
        </button>
        <button type="button" onClick={() => void start()} className="rounded bg-emerald-600 px-3 py-1 font-medium text-white hover:bg-emerald-700" data-testid="run-button">
          ▶ Run workflow
        </button>
        {run ? (
          <>
            <span data-testid="run-status" data-status={run.status} data-run-id={run.runId}>
              {/* Run ids start with their time: the end tells runs of one minute apart. */}
              run <span className="font-mono" title={run.runId}>…{run.runId.slice(-8)}</span>: {run.status === 'unknown' ? 'starting' : run.status}
            </span>
            {run.status === 'running' || run.status === 'waiting' || run.status === 'queued' ? (
              <button type="button" onClick={() => void cancel()} className="rounded border border-zinc-300 px-2 py-0.5 dark:border-zinc-700">
                Cancel
              </button>
            ) : null}
            <Link href={`/workflows/${project}/${workflowId}/runs/${run.runId}`} className="text-indigo-600 hover:underline dark:text-indigo-300">
              run page
            </Link>
            {detail ? (
              <Link href={`/traces/${detail.run.traceId}`} className="text-indigo-600 hover:underline dark:text-indigo-300">
                trace
              </Link>
            ) : null}
          </>
        ) : null}
        {error ? <span className="text-red-600" role="alert">{error}</span> : null}
      </div>
      {open ? (
        <div className="grid max-h-56 grid-cols-2 gap-3 overflow-auto px-3 pb-2">
          <label className="block">
            <span className="text-zinc-500">Trigger data (JSON, becomes trigger.body)</span>
            <textarea aria-label="Trigger data" rows={5} spellCheck={false} value={data} onChange={(e) => setData(e.target.value)} className="w-full rounded border border-zinc-300 bg-white p-1 font-mono dark:border-zinc-700 dark:bg-zinc-900" />
          </label>
          <div>
            {detail?.run.output !== undefined ? <JsonViewer name="run output" value={detail.run.output} testId="run-output" /> : null}
            {detail?.run.error ? (
              <p className="text-red-600" data-testid="run-error">
                {detail.run.error.code}: {detail.run.error.message}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}
