import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { formatCount, formatDuration, formatPercent, formatUsd } from '../../lib/format';
import { MetricsChart, type ChartLine } from './MetricsChart';
import { BreakdownTable } from './BreakdownTable';
import { METRIC_RANGES, metricsApi, type BreakdownRow, type MetricRange, type MetricsScope, type MetricsSeries } from './metrics-api';
import { SpansBehind } from './SpansBehind';

interface Tables {
  slow: BreakdownRow[];
  failing: BreakdownRow[];
  costly: BreakdownRow[];
  services: BreakdownRow[];
  workflows: BreakdownRow[];
}

/** What the spans panel shows: a time range within the scope, and whether only errors. */
interface Drill {
  scope: MetricsScope;
  errorsOnly: boolean;
  title: string;
}

const ms = (v: number) => formatDuration(v);

/** The view's state lives in the URL (range, service, fn, model, kind), so a link shares it. */
function useViewParams() {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const rangeParam = params.get('range');
  const range: MetricRange = rangeParam && rangeParam in METRIC_RANGES ? (rangeParam as MetricRange) : '1h';
  const set = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === '') next.delete(key);
        else next.set(key, value);
      }
      const text = next.toString();
      navigate(`${location}${text ? `?${text}` : ''}`);
    },
    [search, location, navigate],
  );
  return { range, service: params.get('service') ?? undefined, name: params.get('fn') ?? undefined, model: params.get('model') ?? undefined, kind: params.get('kind') ?? undefined, set };
}

/**
 * Metrics: calls, error rate, latency quantiles, tokens and cost over a chosen range, per service,
 * function, model and workflow, answered from the hub's rollups. Any point or row opens the spans
 * behind it.
 */
export default function MetricsView() {
  const view = useViewParams();
  const [now, setNow] = useState(() => Date.now());
  const scope = useMemo<MetricsScope>(
    () => ({ from: now - METRIC_RANGES[view.range], to: now, service: view.service, name: view.name, model: view.model, kind: view.kind }),
    [now, view.range, view.service, view.name, view.model, view.kind],
  );
  const [series, setSeries] = useState<MetricsSeries | null>(null);
  const [tables, setTables] = useState<Tables | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<Drill | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    // The tables look at the range and service, not at one function or model: they are how you pick one.
    const wide: MetricsScope = { from: scope.from, to: scope.to, service: scope.service };
    Promise.all([
      metricsApi.series(scope, signal),
      metricsApi.breakdown(wide, 'function', 'p95', 8, signal),
      metricsApi.breakdown(wide, 'function', 'errorRate', 20, signal),
      metricsApi.breakdown(wide, 'model', 'cost', 8, signal),
      metricsApi.breakdown({ from: scope.from, to: scope.to }, 'service', 'calls', 20, signal),
      metricsApi.breakdown(wide, 'workflow', 'calls', 8, signal),
    ])
      .then(([s, slow, failing, costly, services, workflows]) => {
        setSeries(s);
        setTables({ slow: slow.rows, failing: failing.rows.filter((r) => r.errors > 0).slice(0, 8), costly: costly.rows, services: services.rows, workflows: workflows.rows });
        setError(null);
      })
      .catch((e: unknown) => {
        if (!signal.aborted) setError((e as Error).message);
      });
    return () => controller.abort();
  }, [scope]);

  // Short ranges follow the clock.
  useEffect(() => {
    if (METRIC_RANGES[view.range] > METRIC_RANGES['24h']) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [view.range]);

  const pick = useCallback(
    (index: number, errorsOnly: boolean) => {
      if (!series) return;
      const from = series.t[index]!;
      setDrill({ scope: { ...scope, from, to: from + series.step }, errorsOnly, title: errorsOnly ? 'Failed calls at this point' : 'Calls at this point' });
    },
    [series, scope],
  );

  const charts = useMemo(() => {
    if (!series) return null;
    const calls: ChartLine[] = [
      { label: 'calls', values: series.calls, color: '#6366f1', format: formatCount },
      { label: 'errors', values: series.errors, color: '#dc2626', format: formatCount },
      { label: 'error rate', values: series.errorRate.map((r, i) => (series.calls[i] ? r * 100 : null)), color: '#f59e0b', right: true, format: (v) => `${v.toFixed(1)}%` },
    ];
    const latency: ChartLine[] = [
      { label: 'p50', values: series.p50Ms, color: '#10b981', format: ms },
      { label: 'p95', values: series.p95Ms, color: '#f59e0b', format: ms },
      { label: 'p99', values: series.p99Ms, color: '#dc2626', format: ms },
    ];
    const usage: ChartLine[] = [
      { label: 'tokens', values: series.inputTokens.map((v, i) => v + series.outputTokens[i]!), color: '#0ea5e9', format: formatCount },
      { label: 'cost', values: series.costUsd, color: '#a855f7', right: true, format: formatUsd },
    ];
    return { calls, latency, usage };
  }, [series]);

  const totals = series?.totals;
  const chip = (label: string, value: string | undefined, key: string) =>
    value === undefined ? null : (
      <button type="button" className="rounded bg-indigo-100 px-2 py-0.5 font-mono text-indigo-900 hover:bg-indigo-200 dark:bg-indigo-950 dark:text-indigo-200" onClick={() => view.set({ [key]: undefined })} title={`Clear the ${label}`}>
        {label}: {value} ×
      </button>
    );

  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto" data-testid="metrics-view">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Metrics</h2>
        <div role="group" aria-label="Time range" className="flex gap-0.5">
          {(Object.keys(METRIC_RANGES) as MetricRange[]).map((range) => (
            <button
              key={range}
              type="button"
              aria-pressed={range === view.range}
              className={`rounded px-2 py-0.5 ${range === view.range ? 'bg-indigo-600 text-white' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
              onClick={() => view.set({ range })}
            >
              {range}
            </button>
          ))}
        </div>
        <select
          aria-label="Service"
          className="h-7 rounded border border-zinc-300 bg-white px-1.5 dark:border-zinc-700 dark:bg-zinc-900"
          value={view.service ?? ''}
          onChange={(e) => view.set({ service: e.target.value || undefined, fn: undefined })}
        >
          <option value="">All services</option>
          {(tables?.services ?? []).map((s) => (
            <option key={s.service} value={s.service}>
              {s.service}
            </option>
          ))}
          {view.service && !tables?.services.some((s) => s.service === view.service) ? <option value={view.service}>{view.service}</option> : null}
        </select>
        {chip('function', view.name, 'fn')}
        {chip('model', view.model, 'model')}
        {chip('kind', view.kind, 'kind')}
        <button type="button" className="ml-auto rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={() => setNow(Date.now())}>
          Refresh
        </button>
      </div>
      {error ? <p className="p-3 text-xs text-red-600">{error}</p> : null}
      <div className="flex flex-col gap-3 p-3">
        {totals ? (
          <div className="flex flex-wrap gap-2" data-testid="metrics-totals">
            <Stat label="Calls" value={formatCount(totals.calls)} />
            <Stat label="Error rate" value={totals.calls ? formatPercent(totals.errorRate) : '—'} alert={totals.errorRate > 0.05} />
            <Stat label="p50" value={formatDuration(totals.p50Ms)} />
            <Stat label="p95" value={formatDuration(totals.p95Ms)} />
            <Stat label="p99" value={formatDuration(totals.p99Ms)} />
            <Stat label="Tokens in / out" value={`${formatCount(totals.inputTokens)} / ${formatCount(totals.outputTokens)}`} />
            <Stat label="Cost" value={formatUsd(totals.costUsd)} />
          </div>
        ) : null}
        {series && series.t.length === 0 ? <p className="text-xs text-zinc-500">No calls ended in this range.</p> : null}
        {charts && series && series.t.length > 0 ? (
          <div className="grid grid-cols-1 gap-3 xl:grid-cols-3">
            <MetricsChart title="Calls and errors" t={series.t} lines={charts.calls} onPick={(i) => pick(i, series.errors[i]! > 0)} testId="chart-calls" />
            <MetricsChart title="Latency" t={series.t} lines={charts.latency} onPick={(i) => pick(i, false)} testId="chart-latency" />
            <MetricsChart title="Tokens and cost" t={series.t} lines={charts.usage} onPick={(i) => pick(i, false)} testId="chart-usage" />
          </div>
        ) : null}
        {drill ? <SpansBehind scope={drill.scope} errorsOnly={drill.errorsOnly} title={drill.title} onClose={() => setDrill(null)} /> : null}
        {tables ? (
          <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
            <BreakdownTable
              title="Slowest functions (p95)"
              testId="top-slow"
              rows={tables.slow}
              columns={['calls', 'p50', 'p95', 'p99']}
              onSelect={(row) => view.set({ service: row.service, fn: row.name })}
              onSpans={(row) => setDrill({ scope: { from: scope.from, to: scope.to, service: row.service, name: row.name }, errorsOnly: false, title: `${row.name} in ${row.service}` })}
            />
            <BreakdownTable
              title="Most failing functions"
              testId="top-failing"
              rows={tables.failing}
              columns={['calls', 'errors', 'errorRate']}
              onSelect={(row) => view.set({ service: row.service, fn: row.name })}
              onSpans={(row) => setDrill({ scope: { from: scope.from, to: scope.to, service: row.service, name: row.name }, errorsOnly: true, title: `Failures of ${row.name} in ${row.service}` })}
            />
            <BreakdownTable
              title="Cost leaders (models)"
              testId="cost-leaders"
              rows={tables.costly}
              columns={['calls', 'tokens', 'cost']}
              onSelect={(row) => view.set({ model: row.model })}
              onSpans={(row) => setDrill({ scope: { from: scope.from, to: scope.to, service: scope.service, model: row.model, kind: 'llm' }, errorsOnly: false, title: `Calls of ${row.model}` })}
            />
            <BreakdownTable
              title="Services"
              testId="per-service"
              rows={tables.services}
              columns={['calls', 'errorRate', 'p95', 'cost']}
              onSelect={(row) => view.set({ service: row.service, fn: undefined })}
              onSpans={(row) => setDrill({ scope: { from: scope.from, to: scope.to, service: row.service }, errorsOnly: false, title: row.service })}
            />
            <BreakdownTable
              title="Workflows"
              testId="per-workflow"
              rows={tables.workflows}
              columns={['calls', 'errorRate', 'p50', 'p95']}
              onSelect={(row) => view.set({ service: row.service, fn: row.name, kind: 'workflow' })}
              onSpans={(row) => setDrill({ scope: { from: scope.from, to: scope.to, service: row.service, name: row.name, kind: 'workflow' }, errorsOnly: false, title: `Runs of ${row.name}` })}
            />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function Stat({ label, value, alert }: { label: string; value: string; alert?: boolean }) {
  return (
    <div className="rounded border border-zinc-200 px-3 py-1.5 dark:border-zinc-800" data-testid={`stat-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>
      <div className="text-[10px] uppercase tracking-wide text-zinc-500">{label}</div>
      <div className={`font-mono text-sm ${alert ? 'text-red-600' : ''}`}>{value}</div>
    </div>
  );
}
