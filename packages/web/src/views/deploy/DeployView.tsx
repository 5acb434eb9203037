import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { request } from '../../api/client';
import { formatMs, formatPercent, healthBars, ownerLabel, STATUS_STYLE, type Deployment, type HealthCheck, type TargetView } from './deploy-model';

const BUTTON = 'rounded bg-indigo-600 px-3 py-1 text-xs font-medium text-white hover:bg-indigo-700 disabled:opacity-50';
const SECONDARY = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800';
const PLATFORMS = ['local', 'docker', 'railway', 'fly', 'render', 'cloud-run'];

function Badge({ status }: { status: string }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[status] ?? 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'}`}>{status}</span>;
}

function HealthChart({ checks }: { checks: HealthCheck[] }) {
  const bars = healthBars(checks);
  if (bars.length === 0) return <p className="text-xs text-zinc-500">No checks yet.</p>;
  const color = { healthy: 'fill-emerald-500', degraded: 'fill-amber-500', down: 'fill-red-500' };
  return (
    <svg viewBox={`0 0 ${bars.length * 6} 40`} className="h-10 w-full max-w-md" role="img" aria-label={`health of the last ${bars.length} checks`} preserveAspectRatio="none">
      {bars.map((bar) => (
        <rect key={bar.x} x={bar.x * 6} y={40 - bar.height * 40} width={4} height={bar.height * 40} className={color[bar.status]}>
          <title>{bar.title}</title>
        </rect>
      ))}
    </svg>
  );
}

function Target({ project, target, onChange }: { project: string; target: TargetView; onChange(): void }) {
  const [history, setHistory] = useState<Deployment[]>([]);
  const [checks, setChecks] = useState<HealthCheck[]>([]);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const base = `/api/v1/projects/${encodeURIComponent(project)}/deployments/targets/${encodeURIComponent(target.id)}`;
  const load = useCallback(() => {
    request<{ deployments: Deployment[] }>(`${base}/history?limit=20`).then((d) => setHistory(d.deployments), () => undefined);
    request<{ checks: HealthCheck[] }>(`${base}/health?hours=24`).then((d) => setChecks(d.checks), () => undefined);
  }, [base]);
  useEffect(load, [load, target]);
  const act = (path: string, body: unknown = {}) => {
    setBusy(true);
    setFailure(null);
    request(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)))
      .finally(() => {
        setBusy(false);
        onChange();
        load();
      });
  };
  const { health, current } = target;
  return (
    <section className="rounded border border-zinc-200 p-3 dark:border-zinc-800" data-target={target.id}>
      <header className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">{target.id}</h2>
        <span className="text-xs text-zinc-500">
          {target.platform} · {target.language} · checks every {formatMs(target.healthIntervalMs)}
        </span>
        {target.reachable ? <Badge status={health.status} /> : <span className="text-xs text-zinc-500">not reachable from this hub: files and commands only</span>}
        {target.reachable && ownerLabel(target.owner) && (
          <span className="text-xs text-zinc-500" data-testid="deployment-owner">
            {ownerLabel(target.owner)}
          </span>
        )}
        <span className="ml-auto flex gap-1">
          <button type="button" className={BUTTON} disabled={busy} onClick={() => act('deploy')}>
            {busy ? 'Deploying…' : 'Deploy current version'}
          </button>
          {target.reachable && (
            <button type="button" className={SECONDARY} disabled={busy} onClick={() => act('stop')}>
              Stop
            </button>
          )}
          {target.reachable && (current?.status === 'running' || current?.status === 'stopped') && (
            <button type="button" className={SECONDARY} disabled={busy} onClick={() => act('restart')}>
              {current.status === 'stopped' ? 'Start' : 'Restart'}
            </button>
          )}
        </span>
      </header>
      {failure && (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
          {failure}
        </p>
      )}
      {target.reachable && (
        <dl className="mt-2 grid grid-cols-5 gap-2 text-xs" data-testid="health-summary">
          <div>
            <dt className="text-zinc-500">Uptime (24 h)</dt>
            <dd>{formatPercent(health.uptimePercent)}</dd>
          </div>
          <div>
            <dt className="text-zinc-500">Response</dt>
            <dd>{formatMs(health.responseMs)}</dd>
          </div>
          <div>
            <dt className="text-zinc-500">Failed checks</dt>
            <dd>{formatPercent(health.errorRate)}</dd>
          </div>
          <div>
            <dt className="text-zinc-500">Failed runs (app spans)</dt>
            <dd>{health.appRuns ? `${formatPercent(health.appErrorRate ?? null)} of ${health.appRuns}` : '—'}</dd>
          </div>
          <div>
            <dt className="text-zinc-500">URL</dt>
            <dd className="truncate font-mono">{current?.status === 'running' && current.url ? current.url : '—'}</dd>
          </div>
        </dl>
      )}
      {target.reachable && <HealthChart checks={checks} />}
      <table className="mt-2 w-full text-left text-xs">
        <thead className="text-zinc-500">
          <tr>
            <th>When</th>
            <th>Version</th>
            <th>Status</th>
            <th>Took</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {history.map((d) => (
            <tr key={d.id} className="border-t border-zinc-100 align-top dark:border-zinc-800">
              <td>{new Date(d.startedAt).toLocaleString()}</td>
              <td className="font-mono">
                {d.version.slice(0, 12)}
                {d.rollbackOf ? ' (rollback)' : ''}
              </td>
              <td>
                <Badge status={d.status} />
              </td>
              <td>{formatMs(d.durationMs)}</td>
              <td className="text-right">
                <button type="button" className={SECONDARY} onClick={() => setOpen(open === d.id ? null : d.id)}>
                  Logs
                </button>{' '}
                {target.reachable && d.status !== 'failed' && d.status !== 'running' && (
                  <button type="button" className={SECONDARY} disabled={busy} onClick={() => act('rollback', { deployment: d.id })}>
                    Roll back to this
                  </button>
                )}
                {open === d.id && <pre className="mt-1 max-h-60 overflow-auto whitespace-pre-wrap rounded bg-zinc-50 p-2 text-left dark:bg-zinc-900">{d.logs}</pre>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Versions({ project }: { project: string }) {
  const [commits, setCommits] = useState<{ hash: string; time: number; message: string }[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [diff, setDiff] = useState<string | null>(null);
  useEffect(() => {
    request<{ commits: { hash: string; time: number; message: string }[] }>(`/api/v1/projects/${encodeURIComponent(project)}/versions?limit=50`).then((d) => setCommits(d.commits), () => undefined);
  }, [project]);
  useEffect(() => {
    if (picked.length !== 2) return setDiff(null);
    const [a, b] = picked.map((hash) => commits.findIndex((c) => c.hash === hash));
    const [older, newer] = (a ?? 0) > (b ?? 0) ? picked : [picked[1], picked[0]];
    request<{ diff: string }>(`/api/v1/projects/${encodeURIComponent(project)}/versions/diff?from=${older}&to=${newer}`).then((d) => setDiff(d.diff), () => setDiff(null));
  }, [picked, commits, project]);
  const toggle = (hash: string) => setPicked((p) => (p.includes(hash) ? p.filter((h) => h !== hash) : [...p.slice(-1), hash]));
  return (
    <section className="rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="font-semibold">Versions</h2>
      <p className="text-xs text-zinc-500">Every save is a commit of the project folder. Pick two to see what changed.</p>
      <ul className="mt-2 max-h-60 overflow-auto text-xs">
        {commits.map((c) => (
          <li key={c.hash}>
            <label className="flex gap-2">
              <input type="checkbox" checked={picked.includes(c.hash)} onChange={() => toggle(c.hash)} />
              <span className="font-mono">{c.hash.slice(0, 10)}</span>
              <span className="text-zinc-500">{new Date(c.time).toLocaleString()}</span>
              <span className="truncate">{c.message}</span>
            </label>
          </li>
        ))}
      </ul>
      {diff !== null && (
        <pre className="mt-2 max-h-96 overflow-auto rounded bg-zinc-50 p-2 text-xs dark:bg-zinc-900" data-testid="version-diff">
          {diff.split('\n').map((line, i) => (
            <div key={i} className={line.startsWith('+') ? 'text-emerald-700 dark:text-emerald-400' : line.startsWith('-') ? 'text-red-700 dark:text-red-400' : ''}>
              {line || ' '}
            </div>
          ))}
        </pre>
      )}
    </section>
  );
}

/** A project's deployment targets, their health and history, rollback, and the project's versions. */
export default function DeployView({ project }: { project: string }) {
  const [targets, setTargets] = useState<TargetView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ id: 'local', platform: 'local', language: 'python', interval: 60 });
  const load = useCallback(() => {
    request<{ targets: TargetView[] }>(`/api/v1/projects/${encodeURIComponent(project)}/deployments`).then(
      (d) => {
        setTargets(d.targets);
        setError(null);
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, [project]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, [load]);
  const add = () => {
    request(`/api/v1/projects/${encodeURIComponent(project)}/deployments/targets/${encodeURIComponent(form.id)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: form.platform, language: form.language, healthIntervalMs: form.interval * 1000 }),
    }).then(load, (e: unknown) => setError((e as Error).message));
  };
  return (
    <div className="flex h-full min-h-0 flex-col gap-3 overflow-auto p-4">
      <header className="flex items-center gap-3">
        <h1 className="text-lg font-semibold">Deployments of {project}</h1>
        <Link className="text-xs text-indigo-600 hover:underline" href={`/export/${project}`}>
          ← Export
        </Link>
      </header>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      <form
        className="flex flex-wrap items-end gap-2 text-xs"
        onSubmit={(event) => {
          event.preventDefault();
          add();
        }}
      >
        <label className="flex flex-col">
          Target
          <input className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
        </label>
        <label className="flex flex-col">
          Platform
          <select className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700" value={form.platform} onChange={(e) => setForm({ ...form, platform: e.target.value })}>
            {PLATFORMS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Language
          <select className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700" value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })}>
            <option value="python">Python</option>
            <option value="typescript">TypeScript</option>
          </select>
        </label>
        <label className="flex flex-col">
          Health check every (s)
          <input type="number" min={1} className="w-20 rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700" value={form.interval} onChange={(e) => setForm({ ...form, interval: Number(e.target.value) })} />
        </label>
        <button type="submit" className={BUTTON}>
          Add or update target
        </button>
      </form>
      {targets.map((t) => (
        <Target key={t.id} project={project} target={t} onChange={load} />
      ))}
      <Versions project={project} />
    </div>
  );
}
