import type { ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { CopyButton } from '../../components/CopyButton';
import { AssistPanel } from '../templates/AssistPanel';
import { CallGraph } from './CallGraph';
import { HEALTH_CLASS, ago, button, card, callEdges, formatMs, formatRate, healthOf } from './format';
import { hubApi, type ProjectMetrics, type RunSummary } from './hub-api';
import { NamedValues } from './ProjectSecrets';

const RISKS = {
  allowShell: 'Shell nodes run /bin/sh commands on this machine with the hub\'s user rights. A public endpoint that feeds data into a command can run anything that user may run. Turn on only for workflows you trust.',
  allowCode: 'Code nodes run JavaScript in a sandbox (worker thread + node:vm, time and memory limits, no network or files). node:vm is not a hard security boundary against a determined attacker; turn on only for code you wrote or reviewed.',
} as const;

/** One project: workflows (public with copyable URLs, internal), who calls whom, secrets, env, settings, recent runs. */
export default function ProjectDetail({ projectId }: { projectId: string }) {
  const [project, setProject] = useState<ProjectDefinition | null>(null);
  const [workflows, setWorkflows] = useState<WorkflowDefinition[]>([]);
  const [secrets, setSecrets] = useState<{ name: string; updatedAt: string }[]>([]);
  const [metrics, setMetrics] = useState<ProjectMetrics | undefined>();
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const detail = await hubApi.project(projectId);
      setProject(detail.project);
      setWorkflows(await Promise.all(detail.workflows.map((w) => hubApi.workflow(projectId, w.id).then((r) => r.workflow))));
      setSecrets((await hubApi.secrets(projectId)).secrets);
      setMetrics((await hubApi.projectMetrics({ range: '24h' })).projects.find((p) => p.project === projectId));
      setRuns((await hubApi.runs({ project: projectId, limit: 15 })).runs);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [projectId]);
  useEffect(() => void load(), [load]);

  const act = (fn: () => Promise<unknown>) => fn().then(load, (err: unknown) => setError((err as Error).message));
  const setting = (name: 'allowShell' | 'allowCode', on: boolean) => {
    if (!project) return;
    void act(() => hubApi.saveProject({ ...project, settings: { ...project.settings, [name]: on } }));
  };

  if (!project) return <div className="p-4 text-sm">{error ? <p role="alert" className="text-red-600">{error}</p> : 'Loading…'}</div>;
  const publicOnes = workflows.filter((w) => w.visibility === 'public');
  const internalOnes = workflows.filter((w) => w.visibility !== 'public');
  const health = healthOf(metrics?.successRate, metrics?.executions ?? 0);
  const origin = window.location.origin;

  return (
    <div className="min-h-0 flex-1 space-y-4 overflow-auto p-4">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/projects" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">← Projects</Link>
        <span className={`size-3 rounded-full ${HEALTH_CLASS[health]}`} aria-label={`health: ${health}`} />
        <h1 className="text-lg font-semibold">{project.name}</h1>
        <span className="font-mono text-xs text-zinc-400">{project.id}</span>
        <span className="text-xs text-zinc-500">
          24 h: {metrics?.executions ?? 0} runs · {formatRate(metrics?.successRate)} · p95 {formatMs(metrics?.p95Ms)} · last run {ago(metrics?.lastRunAt)}
        </span>
        <span className="ml-auto flex gap-3 text-sm">
          <Link href={`/workflows/${projectId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">Edit workflows</Link>
          <Link href={`/templates?project=${projectId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">Add from template</Link>
          <Link href={`/workflow-metrics?project=${projectId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">Metrics</Link>
        </span>
      </div>
      {project.description ? <p className="text-sm text-zinc-600 dark:text-zinc-400">{project.description}</p> : null}
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}

      <div className="grid gap-4 lg:grid-cols-2">
        <section className={card} aria-label="Public workflows">
          <h2 className="mb-2 text-sm font-semibold">Public workflows</h2>
          {publicOnes.length === 0 ? <p className="text-sm text-zinc-500">None: every workflow is internal.</p> : null}
          <ul className="space-y-1 text-sm">
            {publicOnes.map((w) => {
              const url = `${origin}/w/${projectId}${w.endpoint?.path ?? ''}`;
              return (
                <li key={w.id} className="flex items-center gap-2">
                  <Link href={`/workflows/${projectId}/${w.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{w.name}</Link>
                  <span className="rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800">{w.endpoint?.method}</span>
                  <span className="truncate font-mono text-xs" data-testid="endpoint-url">{url}</span>
                  <CopyButton text={() => url} label={`Copy URL of ${w.name}`} />
                </li>
              );
            })}
          </ul>
          <h2 className="mb-2 mt-4 text-sm font-semibold">Internal workflows</h2>
          {internalOnes.length === 0 ? <p className="text-sm text-zinc-500">None.</p> : null}
          <ul className="space-y-1 text-sm" aria-label="Internal workflows">
            {internalOnes.map((w) => (
              <li key={w.id} className="flex items-center gap-2">
                <Link href={`/workflows/${projectId}/${w.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{w.name}</Link>
                <span className="text-xs text-zinc-500">{w.trigger.type === 'cron' ? `cron ${w.trigger.expression}` : w.trigger.type}</span>
                <Link href={`/schedules/${projectId}/${w.id}`} className="ml-auto text-xs text-zinc-500 hover:underline">schedule</Link>
                <Link href={`/workflows/${projectId}/${w.id}/runs`} className="text-xs text-zinc-500 hover:underline">runs</Link>
              </li>
            ))}
          </ul>
        </section>
        <section className={card} aria-label="Calls between workflows">
          <h2 className="mb-2 text-sm font-semibold">Who calls whom</h2>
          <CallGraph workflows={workflows} edges={callEdges(workflows)} />
        </section>
        <section className={card} aria-label="Project secrets">
          <h2 className="mb-2 text-sm font-semibold">Secrets</h2>
          <p className="mb-2 text-xs text-zinc-500">Encrypted on the hub; values are never shown or returned. Read them in nodes as {'{{ secrets.NAME }}'}.</p>
          <NamedValues kind="secret" entries={secrets} onSet={(n, v) => act(() => hubApi.putSecret(projectId, n, v))} onDelete={(n) => act(() => hubApi.deleteSecret(projectId, n))} />
        </section>
        <section className={card} aria-label="Project environment">
          <h2 className="mb-2 text-sm font-semibold">Environment variables</h2>
          <p className="mb-2 text-xs text-zinc-500">Plain configuration, visible through the API: {'{{ env.NAME }}'}.</p>
          <NamedValues kind="env" entries={Object.entries(project.env).map(([name, value]) => ({ name, value }))} onSet={(n, v) => act(() => hubApi.putEnv(projectId, n, v))} onDelete={(n) => act(() => hubApi.deleteEnv(projectId, n))} />
        </section>
        <section className={card} aria-label="Project settings">
          <h2 className="mb-2 text-sm font-semibold">Settings</h2>
          {(['allowShell', 'allowCode'] as const).map((name) => (
            <label key={name} className="mb-2 flex items-start gap-2 text-sm">
              <input type="checkbox" checked={project.settings[name]} onChange={(e) => setting(name, e.target.checked)} aria-label={name === 'allowShell' ? 'Allow shell nodes' : 'Allow code nodes'} />
              <span>
                <span className="font-medium">{name === 'allowShell' ? 'Allow shell nodes' : 'Allow code nodes'}</span>
                <span className="block text-xs text-zinc-500">{RISKS[name]}</span>
              </span>
            </label>
          ))}
        </section>
        <section className={card} aria-label="Recent runs">
          <h2 className="mb-2 text-sm font-semibold">Recent runs</h2>
          {runs.length === 0 ? <p className="text-sm text-zinc-500">No runs yet.</p> : null}
          <table className="w-full text-xs">
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-1"><Link href={`/workflows/${projectId}/${r.workflow}/runs/${r.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">{r.workflow}</Link></td>
                  <td className={r.status === 'failed' ? 'text-red-600' : r.status === 'succeeded' ? 'text-emerald-600' : ''}>{r.status}</td>
                  <td>{formatMs(r.durationMs)}</td>
                  <td className="truncate text-zinc-500">{r.error ? `${r.error.code}: ${r.error.message}` : ''}</td>
                  <td className="text-right text-zinc-500">{ago(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <AssistPanel projectId={projectId} workflows={workflows} onCreated={() => void load()} />
      <p className="text-xs text-zinc-500">
        <button type="button" className={button} onClick={() => void load()}>Refresh</button>
      </p>
    </div>
  );
}
