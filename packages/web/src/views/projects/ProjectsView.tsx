import type { ProjectDefinition } from '@runtime-hub/protocol';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { HEALTH_CLASS, ago, button, card, formatMs, formatRate, healthOf, input, type Health } from './format';
import { hubApi, type ProjectMetrics } from './hub-api';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 64);
const startOfToday = () => new Date(new Date().setHours(0, 0, 0, 0)).getTime();

interface Card {
  project: ProjectDefinition & { workflows: number };
  metrics: ProjectMetrics | undefined;
  health: Health;
  deployments: { id: string; health?: { status?: string; uptimePercent?: number | null } | null }[] | null;
  lastChange: number | undefined;
}

function CreateProject({ onCreated }: { onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = SLUG.test(name.trim()) ? name.trim() : slugOf(name);
    hubApi.createProject(id, name.trim(), description.trim()).then(
      () => onCreated(id),
      (err: unknown) => setError((err as Error).message),
    );
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2" aria-label="Create a project">
      <input aria-label="Project name" placeholder="Project name" value={name} onChange={(e) => setName(e.target.value)} className={`${input} w-48`} />
      <input aria-label="Project description" placeholder="Description (optional)" value={description} onChange={(e) => setDescription(e.target.value)} className={`${input} w-72`} />
      <button type="submit" className={button} disabled={!slugOf(name)}>
        Create project
      </button>
      {error ? <span role="alert" className="text-xs text-red-600">{error}</span> : null}
    </form>
  );
}

/**
 * The projects dashboard: a card per project with health (today's success rate), runs today,
 * p95 duration, running now, last run and — when the deploy feature reports them — deployments.
 * Figures come from the server's run rollups; refreshed every 10 s.
 */
export default function ProjectsView() {
  const [, navigate] = useLocation();
  const [cards, setCards] = useState<Card[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [health, setHealth] = useState<'all' | Health>('all');

  const load = useCallback(async () => {
    try {
      const [{ projects }, { projects: metrics, lastChanges }] = await Promise.all([hubApi.projects(), hubApi.projectMetrics({ from: startOfToday() })]);
      const deployments = await Promise.all(projects.map((p) => hubApi.deployments(p.id).catch(() => null)));
      setCards(
        projects.map((project, i) => {
          const m = metrics.find((x) => x.project === project.id);
          return { project, metrics: m, health: healthOf(m?.successRate, m?.executions ?? 0), deployments: deployments[i]?.targets ?? null, lastChange: lastChanges[project.id] };
        }),
      );
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [load]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (cards ?? []).filter((c) => (health === 'all' || c.health === health) && (!q || `${c.project.id} ${c.project.name} ${c.project.description}`.toLowerCase().includes(q)));
  }, [cards, query, health]);

  return (
    <div className="min-h-0 flex-1 overflow-auto p-4">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Projects</h1>
        <input type="search" aria-label="Search projects" placeholder="Search projects" value={query} onChange={(e) => setQuery(e.target.value)} className={`${input} w-56`} />
        <select aria-label="Filter by health" value={health} onChange={(e) => setHealth(e.target.value as 'all' | Health)} className={input}>
          <option value="all">All</option>
          <option value="healthy">Healthy</option>
          <option value="degraded">Degraded</option>
          <option value="failing">Failing</option>
          <option value="idle">No runs today</option>
        </select>
        <span className="ml-auto flex gap-3 text-sm">
          <Link href="/workflow-metrics" className="text-indigo-700 hover:underline dark:text-indigo-300">Metrics</Link>
          <Link href="/schedules" className="text-indigo-700 hover:underline dark:text-indigo-300">Schedules</Link>
          <Link href="/templates" className="text-indigo-700 hover:underline dark:text-indigo-300">Templates</Link>
          <Link href="/workflows" className="text-indigo-700 hover:underline dark:text-indigo-300">Workflow list</Link>
        </span>
      </div>
      <div className="mb-4">
        <CreateProject onCreated={(id) => navigate(`/projects/${id}`)} />
      </div>
      {error ? <p role="alert" className="mb-3 text-sm text-red-600">{error}</p> : null}
      {cards === null ? <p className="text-sm text-zinc-500">Loading…</p> : null}
      {cards?.length === 0 ? <p className="text-sm text-zinc-500">No projects yet: create one above, or start from a <Link href="/templates" className="underline">template</Link>.</p> : null}
      <ul className="grid grid-cols-[repeat(auto-fill,minmax(18rem,1fr))] gap-3" aria-label="Project cards">
        {shown.map(({ project, metrics, health: h, deployments, lastChange }) => (
          <li key={project.id} className={card} data-testid="project-card">
            <Link href={`/projects/${project.id}`} className="block">
              <div className="flex items-center gap-2">
                <span className={`size-2.5 shrink-0 rounded-full ${HEALTH_CLASS[h]}`} title={h} aria-label={`health: ${h}`} />
                <span className="truncate font-medium">{project.name}</span>
                <span className="ml-auto font-mono text-xs text-zinc-400">{project.id}</span>
              </div>
              <p className="mt-1 line-clamp-2 min-h-8 text-xs text-zinc-500">{project.description || 'No description'}</p>
              <dl className="mt-2 grid grid-cols-3 gap-1 text-xs">
                <div><dt className="text-zinc-500">Workflows</dt><dd className="font-medium">{project.workflows}</dd></div>
                <div><dt className="text-zinc-500">Runs today</dt><dd className="font-medium">{metrics?.executions ?? 0}</dd></div>
                <div><dt className="text-zinc-500">Success</dt><dd className="font-medium">{formatRate(metrics?.successRate)}</dd></div>
                <div><dt className="text-zinc-500">p95</dt><dd className="font-medium">{formatMs(metrics?.p95Ms)}</dd></div>
                <div><dt className="text-zinc-500">Running</dt><dd className="font-medium">{metrics?.running ?? 0}</dd></div>
                <div><dt className="text-zinc-500">Last run</dt><dd className="font-medium">{ago(metrics?.lastRunAt)}</dd></div>
              </dl>
              <p className="mt-1 text-xs text-zinc-500">Last change {ago(lastChange)}</p>
              {deployments && deployments.length > 0 ? (
                <p className="mt-2 text-xs" data-testid="deployments">
                  Deployments: {deployments.map((d) => `${d.id} ${d.health?.status ?? 'unknown'}${typeof d.health?.uptimePercent === 'number' ? ` (${d.health.uptimePercent.toFixed(1)} % up)` : ''}`).join(', ')}
                </p>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
