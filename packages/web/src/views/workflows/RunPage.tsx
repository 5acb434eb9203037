import type { RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { JsonViewer } from '../../components/JsonViewer';
import { LiveClient } from '../../live/live-client';
import { formatDateTime, formatDuration } from '../../lib/format';
import { studioApi, type NodeCatalog } from '../../studio/api';
import { layoutPositions } from '../../studio/layout';
import { runStateFromSteps } from '../../studio/run-state';
import { Canvas } from './Canvas';

const noIssues = { nodes: {}, workflow: [] };
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** One run: the graph of the version it ran with each node's state, the steps timeline, cancel and re-run. */
export default function RunPage({ project, workflow, runId }: { project: string; workflow: string; runId: string }) {
  const [, navigate] = useLocation();
  const [detail, setDetail] = useState<{ run: RunRecord; steps: StepRecord[] } | null>(null);
  const [definition, setDefinition] = useState<WorkflowDefinition | null>(null);
  const [catalog, setCatalog] = useState<NodeCatalog | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const found = await studioApi.run(runId);
    setDetail(found);
    return found;
  }, [runId]);

  useEffect(() => {
    let stop = false;
    void (async () => {
      try {
        const [found, types] = await Promise.all([refresh(), studioApi.catalog()]);
        setCatalog(types);
        const version = await studioApi.version(project, workflow, found.run.version).catch(() => studioApi.workflow(project, workflow));
        let def = version.workflow;
        if (def.nodes.some((n) => !n.position)) {
          const positions = await layoutPositions(def);
          def = { ...def, nodes: def.nodes.map((n) => (n.position ? n : { ...n, position: positions[n.id]! })) };
        }
        if (!stop) setDefinition(def);
      } catch (err) {
        setError((err as Error).message);
      }
    })();
    return () => {
      stop = true;
    };
  }, [project, workflow, runId, refresh]);

  // An unfinished run is followed on the live channel: its spans (filtered by the run's session)
  // trigger a reload of the steps, at most every 300 ms; nothing is fetched while nothing happens.
  const unfinished = detail !== null && !FINISHED.has(detail.run.status);
  useEffect(() => {
    if (!unfinished) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const client = new LiveClient({ filter: { sessionId: runId } });
    client.listen({
      spans: () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          void refresh().catch(() => undefined);
        }, 300);
      },
    });
    client.connect();
    return () => {
      clearTimeout(timer);
      client.close();
    };
  }, [unfinished, runId, refresh]);

  const state = useMemo(() => (detail ? runStateFromSteps(detail.run, detail.steps) : null), [detail]);
  const types = useMemo(() => Object.fromEntries((catalog?.nodeTypes ?? []).map((t) => [t.type, t])), [catalog]);
  const onSelect = useCallback((ids: string[]) => setSelected(ids), []);

  if (error) return <p className="p-6 text-sm text-red-600">{error}</p>;
  if (!detail || !definition || !state) return <p className="p-6 text-sm text-zinc-500">Loading run…</p>;
  const { run, steps } = detail;
  const start = run.startedAt ?? run.createdAt;
  const end = Math.max(run.endedAt ?? Date.now(), start + 1);
  const shown = selected.length === 1 ? steps.filter((s) => s.nodeId === selected[0]) : [];
  const act = (fn: () => Promise<unknown>) => () => void fn().catch((err: unknown) => setError((err as Error).message));

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="run-page">
      <div className="flex shrink-0 flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-1.5 text-xs dark:border-zinc-800">
        <Link href={`/workflows/${project}/${workflow}/runs`} className="text-indigo-600 hover:underline dark:text-indigo-300">
          ← runs
        </Link>
        <h1 className="font-mono text-sm font-semibold">{run.id}</h1>
        <span data-testid="run-page-status">{run.status}</span>
        <span>v{run.version}</span>
        <span>{formatDateTime(start)}</span>
        <span>{formatDuration(run.endedAt !== undefined ? run.endedAt - start : null)}</span>
        <Link href={`/traces/${run.traceId}`} className="text-indigo-600 hover:underline dark:text-indigo-300">
          trace
        </Link>
        <span className="ml-auto flex gap-1">
          {!FINISHED.has(run.status) ? (
            <button type="button" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" onClick={act(async () => { await studioApi.cancel(run.id); await refresh(); })}>
              Cancel
            </button>
          ) : null}
          {(['same', 'current'] as const).map((version) => (
            <button
              key={version}
              type="button"
              className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700"
              onClick={act(async () => {
                const { runId: next } = await studioApi.rerun(run.id, { version });
                navigate(`/workflows/${project}/${workflow}/runs/${next}`);
              })}
            >
              Re-run ({version} version)
            </button>
          ))}
        </span>
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="min-w-0 flex-1">
          <ReactFlowProvider>
            <Canvas workflow={definition} types={types} run={state} issues={noIssues} selection={selected} onSelect={onSelect} readOnly />
          </ReactFlowProvider>
        </div>
        <aside className="w-96 shrink-0 space-y-2 overflow-auto border-l border-zinc-200 p-3 text-xs dark:border-zinc-800">
          {shown.length > 0 ? (
            <>
              <h2 className="font-semibold">{selected[0]}</h2>
              {shown.map((s) => (
                <div key={`${s.visit}.${s.attempt}`} className="space-y-1 border-t border-zinc-100 pt-1 dark:border-zinc-800">
                  <div>
                    visit {s.visit}, attempt {s.attempt}: {s.status}
                    {s.reused ? ' (reused)' : ''} · {formatDuration(s.endedAt !== undefined ? s.endedAt - s.startedAt : null)}
                  </div>
                  {s.input !== undefined ? <JsonViewer name="input" value={s.input} defaultDepth={1} /> : null}
                  {s.output !== undefined ? <JsonViewer name="output" value={s.output} defaultDepth={1} /> : null}
                  {s.error ? <pre className="whitespace-pre-wrap text-red-600">{`${s.error.code}: ${s.error.message}`}</pre> : null}
                </div>
              ))}
            </>
          ) : (
            <>
              <JsonViewer name="trigger" value={run.trigger} defaultDepth={1} />
              {run.output !== undefined ? <JsonViewer name="output" value={run.output} defaultDepth={2} /> : null}
              {run.error ? <pre className="whitespace-pre-wrap text-red-600">{`${run.error.code}: ${run.error.message}`}</pre> : null}
            </>
          )}
        </aside>
      </div>
      <section aria-label="Steps timeline" className="max-h-48 shrink-0 overflow-auto border-t border-zinc-200 p-2 text-[11px] dark:border-zinc-800">
        {steps.map((s) => {
          const left = ((s.startedAt - start) / (end - start)) * 100;
          const width = Math.max((((s.endedAt ?? Date.now()) - s.startedAt) / (end - start)) * 100, 0.5);
          return (
            <div key={`${s.nodeId}.${s.visit}.${s.attempt}`} className="flex items-center gap-2">
              <span className="w-40 shrink-0 truncate font-mono">
                {s.nodeId}
                {s.visit > 1 ? ` #${s.visit}` : ''}
                {s.attempt > 1 ? ` (try ${s.attempt})` : ''}
              </span>
              <span className="relative h-3 flex-1 rounded bg-zinc-100 dark:bg-zinc-800">
                <span className={`absolute h-3 rounded ${s.status === 'succeeded' ? 'bg-emerald-500' : s.status === 'failed' ? 'bg-red-500' : 'bg-sky-500'}`} style={{ left: `${left}%`, width: `${width}%` }} />
              </span>
              <span className="w-16 text-right">{formatDuration(s.endedAt !== undefined ? s.endedAt - s.startedAt : null)}</span>
            </div>
          );
        })}
      </section>
    </div>
  );
}
