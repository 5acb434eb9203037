import { useCallback, useEffect, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { card, formatMs, formatRate, input } from '../projects/format';
import { hubApi, type MetricsReport } from '../projects/hub-api';
import { TrendChart } from './TrendChart';

const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div className={card}>
      <div className="text-xs text-zinc-500">{label}</div>
      <div className="text-xl font-semibold" data-testid={`stat-${label.toLowerCase().replace(/\W+/g, '-')}`}>{value}</div>
    </div>
  );
}

function Bars({ rows, label }: { rows: { key: string; count: number }[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <ul className="space-y-1 text-xs" aria-label={label}>
      {rows.length === 0 ? <li className="text-zinc-500">No failures.</li> : null}
      {rows.map((r) => (
        <li key={r.key} className="flex items-center gap-2">
          <span className="w-40 truncate font-mono" title={r.key}>{r.key}</span>
          <span className="h-2 rounded bg-red-400" style={{ width: `${(r.count / max) * 60}%` }} />
          <span>{r.count}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Workflow metrics (seed 003 §2.2) from the hub's run rollups: executions, success rate, p50/p95,
 * running now, the trend, failures by error code and node type, the slowest nodes. Filters by
 * project, workflow and range live in the URL; the figures refresh every 5 s.
 */
export default function WorkflowMetricsView() {
  const params = new URLSearchParams(useSearch());
  const [project, setProject] = useState(params.get('project') ?? '');
  const [workflow, setWorkflow] = useState(params.get('workflow') ?? '');
  const [range, setRange] = useState(params.get('range') ?? '24h');
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  const [workflows, setWorkflows] = useState<{ id: string; name: string }[]>([]);
  const [report, setReport] = useState<MetricsReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => void hubApi.projects().then((r) => setProjects(r.projects), () => undefined), []);
  useEffect(() => {
    setWorkflows([]);
    if (project) void hubApi.project(project).then((r) => setWorkflows(r.workflows), () => undefined);
  }, [project]);
  const load = useCallback(async () => {
    try {
      setReport(await hubApi.metrics({ project: project || undefined, workflow: (project && workflow) || undefined, range }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [project, workflow, range]);
  useEffect(() => {
    const search = new URLSearchParams({ ...(project ? { project } : {}), ...(project && workflow ? { workflow } : {}), range });
    history.replaceState(null, '', `/workflow-metrics?${search.toString()}`);
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [load, project, workflow, range]);

  const t = report?.totals;
  return (
    <div className="min-h-0 flex-1 space-y-4 overflow-auto p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-lg font-semibold">Workflow metrics</h1>
        <select aria-label="Project" value={project} onChange={(e) => { setProject(e.target.value); setWorkflow(''); }} className={input}>
          <option value="">All projects</option>
          {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <select aria-label="Workflow" value={workflow} onChange={(e) => setWorkflow(e.target.value)} className={input} disabled={!project}>
          <option value="">All workflows</option>
          {workflows.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
        </select>
        <div role="group" aria-label="Time range" className="flex">
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)} className={`border border-zinc-300 px-2 py-1 text-xs first:rounded-l last:rounded-r dark:border-zinc-700 ${range === r ? 'bg-indigo-100 dark:bg-indigo-950' : ''}`}>
              {r}
            </button>
          ))}
        </div>
        <span className="ml-auto text-xs text-zinc-500">Live: refreshes every 5 s</span>
      </div>
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      {t ? (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
            <Stat label="Executions" value={t.executions} />
            <Stat label="Success rate" value={formatRate(t.successRate)} />
            <Stat label="p50 duration" value={formatMs(t.p50Ms)} />
            <Stat label="p95 duration" value={formatMs(t.p95Ms)} />
            <Stat label="Running now" value={t.running} />
          </div>
          <section className={card} aria-label="Trend">
            <h2 className="mb-2 text-sm font-semibold">Succeeded vs failed per {formatMs(report.range.stepMs)}</h2>
            <TrendChart trend={report.trend} />
          </section>
          <div className="grid gap-3 lg:grid-cols-3">
            <section className={card}>
              <h2 className="mb-2 text-sm font-semibold">Failures by error code</h2>
              <Bars label="Failures by error code" rows={report.errors.byCode.map((e) => ({ key: e.code, count: e.count }))} />
            </section>
            <section className={card}>
              <h2 className="mb-2 text-sm font-semibold">Failures by node type</h2>
              <Bars label="Failures by node type" rows={report.errors.byNodeType.map((e) => ({ key: e.nodeType, count: e.count }))} />
            </section>
            <section className={card}>
              <h2 className="mb-2 text-sm font-semibold">Slowest nodes (average)</h2>
              <table className="w-full text-xs" aria-label="Slowest nodes">
                <tbody>
                  {report.slowestNodes.map((n) => (
                    <tr key={`${n.project}/${n.workflow}/${n.nodeId}`}>
                      <td className="truncate py-0.5"><Link href={`/workflows/${n.project}/${n.workflow}`} className="hover:underline">{n.workflow}</Link> · <span className="font-mono">{n.nodeId}</span> <span className="text-zinc-400">({n.nodeType})</span></td>
                      <td className="text-right">{formatMs(n.avgMs)}</td>
                      <td className="text-right text-zinc-500">max {formatMs(n.maxMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className={card}>
            <h2 className="mb-2 text-sm font-semibold">Per workflow</h2>
            <table className="w-full text-xs" aria-label="Per workflow">
              <thead className="text-left text-zinc-500"><tr><th>Workflow</th><th>Runs</th><th>Success</th><th>p50</th><th>p95</th></tr></thead>
              <tbody>
                {report.workflows.map((w) => (
                  <tr key={`${w.project}/${w.workflow}`} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-0.5"><Link href={`/workflows/${w.project}/${w.workflow}/runs`} className="hover:underline">{w.project}/{w.workflow}</Link></td>
                    <td>{w.executions}</td>
                    <td>{formatRate(w.successRate)}</td>
                    <td>{formatMs(w.p50Ms)}</td>
                    <td>{formatMs(w.p95Ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      ) : null}
    </div>
  );
}
