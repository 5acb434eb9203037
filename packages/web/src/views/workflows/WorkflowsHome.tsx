import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { studioApi, type ProjectDetail } from '../../studio/api';
import { duplicateWorkflow } from '../../studio/clipboard';
import { freshId } from '../../studio/graph';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 64);
const button = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

/** A new workflow: one manual trigger node, ready for the canvas. */
function blankWorkflow(id: string, name: string): WorkflowDefinition {
  return {
    id,
    name,
    visibility: 'internal',
    trigger: { type: 'manual' },
    settings: {},
    nodes: [{ id: 'start', type: 'trigger', name: 'Start', config: {}, position: { x: 0, y: 0 } }],
    edges: [],
  };
}

function NameForm({ label, onSubmit, placeholder }: { label: string; placeholder: string; onSubmit: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    onSubmit(name.trim()).then(
      () => setName(''),
      (err: unknown) => setError((err as Error).message),
    );
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2">
      <input aria-label={label} value={name} onChange={(e) => setName(e.target.value)} placeholder={placeholder} className="w-64 rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900" />
      <button type="submit" className={button} disabled={!name.trim()}>
        {label}
      </button>
      {error ? <span className="text-xs text-red-600" role="alert">{error}</span> : null}
    </form>
  );
}

/** Projects, and the workflows of the selected one: create, open, rename, duplicate, delete. */
export default function WorkflowsHome({ project }: { project?: string }) {
  const [, navigate] = useLocation();
  const [projects, setProjects] = useState<{ id: string; name: string; workflows: number }[] | null>(null);
  const [detail, setDetail] = useState<ProjectDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setProjects((await studioApi.projects()).projects);
      setDetail(project ? await studioApi.project(project) : null);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [project]);
  useEffect(() => void refresh(), [refresh]);

  const createProject = async (name: string) => {
    const id = SLUG.test(name) ? name : slugOf(name);
    await studioApi.createProject(id, name);
    navigate(`/workflows/${id}`);
  };
  const createWorkflow = async (name: string) => {
    if (!project) return;
    const taken = detail?.workflows.map((w) => w.id) ?? [];
    const id = freshId(slugOf(name) || 'workflow', taken).replace(/_/g, '-');
    await studioApi.createWorkflow(project, blankWorkflow(id, name));
    navigate(`/workflows/${project}/${id}`);
  };
  const rename = async (id: string) => {
    const name = prompt('New name', detail?.workflows.find((w) => w.id === id)?.name ?? '');
    if (!project || !name?.trim()) return;
    const { workflow } = await studioApi.workflow(project, id);
    await studioApi.saveWorkflow(project, { ...workflow, name: name.trim() });
    await refresh();
  };
  const duplicate = async (id: string) => {
    if (!project) return;
    const { workflow } = await studioApi.workflow(project, id);
    const copyId = freshId(`${id}-copy`, detail?.workflows.map((w) => w.id) ?? []).replace(/_/g, '-');
    await studioApi.createWorkflow(project, duplicateWorkflow(workflow, copyId, `${workflow.name} (copy)`));
    await refresh();
  };
  const remove = async (id: string) => {
    if (!project || !confirm(`Delete workflow "${id}"? Its run history stays.`)) return;
    await studioApi.deleteWorkflow(project, id);
    await refresh();
  };
  const act = (fn: () => Promise<void>) => () => void fn().catch((err: unknown) => setError((err as Error).message));

  return (
    <div className="flex min-h-0 flex-1">
      <aside className="w-64 shrink-0 overflow-auto border-r border-zinc-200 p-3 dark:border-zinc-800" aria-label="Projects">
        <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">Projects</h2>
        <ul className="mb-3 space-y-0.5">
          {projects?.map((p) => (
            <li key={p.id}>
              <Link
                href={`/workflows/${p.id}`}
                aria-current={p.id === project ? 'page' : undefined}
                className={`flex rounded px-2 py-1 text-sm ${p.id === project ? 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
              >
                <span className="truncate">{p.name}</span>
                <span className="ml-auto text-xs text-zinc-400">{p.workflows}</span>
              </Link>
            </li>
          ))}
          {projects?.length === 0 ? <li className="text-sm text-zinc-500">No projects yet.</li> : null}
        </ul>
        <NameForm label="New project" placeholder="Project name" onSubmit={createProject} />
      </aside>
      <section className="min-w-0 flex-1 overflow-auto p-4">
        {error ? <p role="alert" className="mb-3 text-sm text-red-600">{error}</p> : null}
        {!project ? (
          <p className="text-sm text-zinc-500">Choose a project, or create one, to see its workflows.</p>
        ) : detail ? (
          <>
            <h1 className="mb-3 text-lg font-semibold">{detail.project.name}</h1>
            <div className="mb-4">
              <NameForm label="New workflow" placeholder="Workflow name" onSubmit={createWorkflow} />
            </div>
            <table className="w-full text-sm" aria-label="Workflows">
              <thead className="text-left text-xs text-zinc-500">
                <tr>
                  <th className="py-1">Name</th>
                  <th>Trigger</th>
                  <th>Endpoint</th>
                  <th>Nodes</th>
                  <th>Version</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {detail.workflows.map((w) => (
                  <tr key={w.id} className="border-t border-zinc-200 dark:border-zinc-800">
                    <td className="py-1.5">
                      <Link href={`/workflows/${project}/${w.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                        {w.name}
                      </Link>
                      <span className="ml-2 font-mono text-xs text-zinc-400">{w.id}</span>
                    </td>
                    <td>{w.trigger.type}</td>
                    <td className="font-mono text-xs">{w.visibility === 'public' && w.endpoint ? `${w.endpoint.method} /w/${project}${w.endpoint.path}` : 'internal'}</td>
                    <td>{w.nodes}</td>
                    <td>{w.version}</td>
                    <td className="space-x-1 text-right">
                      <Link href={`/workflows/${project}/${w.id}/runs`} className={button}>
                        Runs
                      </Link>
                      <button type="button" className={button} onClick={act(() => rename(w.id))}>
                        Rename
                      </button>
                      <button type="button" className={button} onClick={act(() => duplicate(w.id))}>
                        Duplicate
                      </button>
                      <button type="button" className={button} onClick={act(() => remove(w.id))}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {detail.workflows.length === 0 ? <p className="mt-3 text-sm text-zinc-500">No workflows yet.</p> : null}
            {detail.invalidWorkflows.length > 0 ? (
              <p className="mt-3 text-sm text-amber-700">Invalid files on disk: {detail.invalidWorkflows.map((w) => w.id).join(', ')}</p>
            ) : null}
          </>
        ) : null}
      </section>
    </div>
  );
}
