import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { request } from '../../api/client';
import { formatCount } from '../../lib/format';
import { toWidgetTable } from './widget-table';

interface WidgetSpec {
  id: string;
  title: string;
  route: string;
  description?: string;
}

interface PluginStatus {
  name: string;
  source: string;
  state: 'starting' | 'running' | 'disabled';
  error?: string;
  version?: string;
  description?: string;
  routes: string[];
  widgets: WidgetSpec[];
  stats: { batches: number; spans: number; findings: number; droppedSpans: number; lastBatchMs: number | null };
  log: string[];
}

const STATE_STYLE: Record<PluginStatus['state'], string> = {
  running: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  starting: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  disabled: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
};

/** How often widgets and plugin states refresh while the page is open. */
const REFRESH_MS = 5000;

function usePoll<T>(load: () => Promise<T>): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const reload = useCallback(() => {
    load().then(
      (data) => setState({ data }),
      (error: unknown) => setState((s) => ({ ...s, error: (error as Error).message })),
    );
  }, [load]);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return { ...state, reload };
}

function Widget({ plugin, widget }: { plugin: string; widget: WidgetSpec }) {
  const load = useCallback(() => request<unknown>(`/api/v1/plugins/${encodeURIComponent(plugin)}${widget.route}`), [plugin, widget.route]);
  const { data, error } = usePoll(load);
  const table = data === undefined ? undefined : toWidgetTable(data);
  return (
    <section className="rounded border border-zinc-200 dark:border-zinc-800" data-testid={`widget-${plugin}-${widget.id}`}>
      <header className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h3 className="text-sm font-medium">{widget.title}</h3>
        {widget.description && <p className="text-xs text-zinc-500">{widget.description}</p>}
      </header>
      {error && <p className="px-3 py-2 text-xs text-red-600">{error}</p>}
      {table && table.rows.length === 0 && <p className="px-3 py-2 text-xs text-zinc-500">Nothing yet.</p>}
      {table && table.rows.length > 0 && (
        <div className="max-h-80 overflow-auto">
          <table className="w-full text-xs">
            <thead className="sticky top-0 bg-zinc-50 text-left text-[11px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-900">
              <tr>
                {table.columns.map((c) => (
                  <th key={c} className="px-3 py-1.5 font-medium">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={i} className="border-t border-zinc-100 dark:border-zinc-800/60">
                  {row.map((cell, j) => (
                    <td key={j} className="max-w-96 truncate px-3 py-1 font-mono" title={cell.text}>
                      {cell.href ? (
                        <Link href={cell.href} className="text-sky-700 hover:underline dark:text-sky-400">
                          {cell.text}
                        </Link>
                      ) : (
                        cell.text
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {table.more > 0 && <p className="px-3 py-1 text-xs text-zinc-500">{formatCount(table.more)} more not shown</p>}
        </div>
      )}
    </section>
  );
}

function PluginCard({ plugin }: { plugin: PluginStatus }) {
  const title = plugin.name || plugin.source;
  return (
    <article className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" data-testid={`plugin-${title}`}>
      <div className="flex flex-wrap items-baseline gap-2">
        <h2 className={plugin.name ? 'text-sm font-semibold' : 'break-all font-mono text-xs font-semibold'}>{title}</h2>
        {plugin.version && <span className="text-xs text-zinc-500">v{plugin.version}</span>}
        <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${STATE_STYLE[plugin.state]}`} data-testid="plugin-state">
          {plugin.state}
        </span>
        {plugin.name && (
          <span className="ml-auto font-mono text-[11px] text-zinc-500" title="Where it was loaded from">
            {plugin.source}
          </span>
        )}
      </div>
      {plugin.description && <p className="text-xs text-zinc-600 dark:text-zinc-400">{plugin.description}</p>}
      {plugin.error && (
        <p className="rounded bg-red-50 px-2 py-1 font-mono text-xs text-red-700 dark:bg-red-950/50 dark:text-red-300" data-testid="plugin-error">
          {plugin.error}
        </p>
      )}
      <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <div>
          <dt className="inline">Spans analyzed </dt>
          <dd className="inline font-medium tabular-nums">{formatCount(plugin.stats.spans)}</dd>
        </div>
        <div>
          <dt className="inline">Findings </dt>
          <dd className="inline font-medium tabular-nums">
            {formatCount(plugin.stats.findings)}
          </dd>
        </div>
        <div>
          <dt className="inline">Dropped </dt>
          <dd className={`inline font-medium tabular-nums ${plugin.stats.droppedSpans > 0 ? 'text-amber-600' : ''}`}>{formatCount(plugin.stats.droppedSpans)}</dd>
        </div>
        {plugin.stats.lastBatchMs !== null && (
          <div>
            <dt className="inline">Last batch </dt>
            <dd className="inline font-medium tabular-nums">{plugin.stats.lastBatchMs} ms</dd>
          </div>
        )}
      </dl>
      {plugin.state === 'running' && plugin.widgets.map((w) => <Widget key={w.id} plugin={plugin.name} widget={w} />)}
      {plugin.log.length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-zinc-500">Log ({plugin.log.length})</summary>
          <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap rounded bg-zinc-50 p-2 font-mono dark:bg-zinc-900">{plugin.log.join('\n')}</pre>
        </details>
      )}
    </article>
  );
}

/** /plugins — the plugins the hub loaded, why any is disabled, and their widgets (docs/plugins.md). */
export default function PluginsView() {
  const load = useCallback(() => request<{ plugins: PluginStatus[] }>('/api/v1/plugins'), []);
  const { data, error, reload } = usePoll(load);
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h1 className="text-sm font-semibold">Plugins</h1>
        <button type="button" onClick={reload} className="ml-auto rounded px-2 py-1 text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800">
          Refresh
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-4">
        {error && <p className="text-sm text-red-600">{error}</p>}
        {data && data.plugins.length === 0 && (
          <div className="max-w-xl text-sm text-zinc-600 dark:text-zinc-400" data-testid="plugins-empty">
            <p>No plugins are loaded.</p>
            <p className="mt-2">
              Start the hub with <code className="font-mono">--plugin builtin:n-plus-one --plugin builtin:slow-calls</code>, or put a plugin module in{' '}
              <code className="font-mono">&lt;data&gt;/plugins/</code>. See docs/plugins.md.
            </p>
          </div>
        )}
        <div className="grid gap-4 xl:grid-cols-2">{data?.plugins.map((p) => <PluginCard key={`${p.source}:${p.name}`} plugin={p} />)}</div>
      </div>
    </div>
  );
}
