import { useEffect, useMemo, useRef } from 'react';
import { Link } from 'wouter';
import { request, toSearch, type QueryParams } from '../../api/client';
import type { AgentRunSummary, AgentRunsPage } from '../../agents/types';
import { FilterBar } from '../../components/FilterBar';
import { PagerFooter } from '../../components/PagerFooter';
import { usePaged } from '../../hooks/use-paged';
import { formatAgo, formatCost, formatCount, formatDuration } from '../../lib/format';
import { LiveClient } from '../../live/live-client';
import { apiParamsOf } from '../../state/filters';
import { useFilters, useSearchParam } from '../../state/use-filters';

/** How often at most the first page is read again while agent spans arrive. */
const LIVE_RELOAD_MS = 1500;

export function fetchAgentRuns(params: QueryParams, signal?: AbortSignal): Promise<AgentRunsPage> {
  return request<AgentRunsPage>(`/api/v1/agents${toSearch(params)}`, signal ? { signal } : {});
}

/** /agents — agent runs and Claude Code sessions, newest first, updated live. */
export default function AgentsView() {
  const [filters] = useFilters();
  const [model, setModel] = useSearchParam('model');
  const params = useMemo(
    () => ({ service: filters.service, q: filters.q, from: apiParamsOf(filters).from, state: filters.status, model: model ?? undefined }),
    [filters, model],
  );
  const page = usePaged<AgentRunSummary>(JSON.stringify(params), (cursor, signal) =>
    fetchAgentRuns({ ...params, limit: 50, cursor }, signal).then((r) => ({ items: r.runs, nextCursor: r.nextCursor })),
  );
  useLiveReload(page.reload, page.items.length <= 50);
  const models = useMemo(() => [...new Set(page.items.flatMap((r) => r.models))].sort(), [page.items]);
  // Runs picked for /compare/:a/:b, in the URL (`?compare=a,b`), so "Compare with…" on a run lands here with it picked.
  const [compareParam, setCompareParam] = useSearchParam('compare');
  const picked = (compareParam ?? '').split(',').filter((id) => /^[0-9a-f]{32}$/.test(id)).slice(0, 2);
  const pick = (traceId: string) => {
    const next = picked.includes(traceId) ? picked.filter((id) => id !== traceId) : [...picked, traceId].slice(-2);
    setCompareParam(next.length ? next.join(',') : null);
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h1 className="text-sm font-semibold">Agents</h1>
        <FilterBar fields={['service', 'status', 'q', 'range']} />
        <select
          aria-label="Model"
          className="h-7 rounded border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900"
          value={model ?? ''}
          onChange={(e) => setModel(e.target.value || null)}
        >
          <option value="">All models</option>
          {[...new Set([...(model ? [model] : []), ...models])].map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <button type="button" onClick={page.reload} className="ml-auto rounded px-2 py-1 text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800">
          Refresh
        </button>
      </div>
      {picked.length > 0 ? (
        <div className="flex items-center gap-3 border-b border-indigo-200 bg-indigo-50 px-3 py-1.5 text-xs dark:border-indigo-900 dark:bg-indigo-950/40" data-testid="compare-bar">
          {picked.length === 1 ? (
            <span>Pick a second run to compare with {page.items.find((r) => r.traceId === picked[0])?.name ?? picked[0]}.</span>
          ) : (
            <Link href={`/compare/${picked[0]}/${picked[1]}`} className="rounded bg-indigo-600 px-2 py-0.5 font-medium text-white hover:bg-indigo-700" data-testid="compare-selected">
              Compare the two selected runs
            </Link>
          )}
          <button type="button" className="text-zinc-500 hover:underline" onClick={() => setCompareParam(null)}>
            Clear
          </button>
        </div>
      ) : null}
      <div className="min-h-0 flex-1 overflow-y-auto">
        <table className="w-full text-xs" data-testid="agents-table">
          <thead className="sticky top-0 bg-zinc-50 text-left text-[11px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-900">
            <tr>
              <th className="w-8 px-2 py-1.5 font-medium" title="Pick two runs to compare">⇄</th>
              <th className="px-3 py-1.5 font-medium">Run</th>
              <th className="px-3 py-1.5 font-medium">Models</th>
              <th className="px-3 py-1.5 text-right font-medium">Turns</th>
              <th className="px-3 py-1.5 text-right font-medium">Tool calls</th>
              <th className="px-3 py-1.5 text-right font-medium">Tokens in / out</th>
              <th className="px-3 py-1.5 text-right font-medium">Cost</th>
              <th className="px-3 py-1.5 text-right font-medium">Duration</th>
              <th className="px-3 py-1.5 text-right font-medium">Errors</th>
              <th className="px-3 py-1.5 text-right font-medium">Started</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((run) => (
              <AgentRow key={run.traceId} run={run} picked={picked.includes(run.traceId)} onPick={() => pick(run.traceId)} />
            ))}
          </tbody>
        </table>
        {page.items.length === 0 && !page.loading && !page.error ? (
          <p className="p-6 text-sm text-zinc-500">
            No agent runs yet. Claude Code sessions (hooks or transcripts), OpenTelemetry GenAI spans and SDK runs with LLM calls show here.
          </p>
        ) : null}
        <PagerFooter count={page.items.length} loading={page.loading} error={page.error} hasMore={page.hasMore} onMore={page.loadMore} noun="runs" />
      </div>
    </div>
  );
}

function AgentRow({ run, picked, onPick }: { run: AgentRunSummary; picked: boolean; onPick(): void }) {
  const cost = formatCost(run.usage);
  return (
    <tr className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900" data-testid="agent-row" data-trace-id={run.traceId}>
      <td className="px-2 py-1.5">
        <input type="checkbox" checked={picked} onChange={onPick} aria-label={`Compare ${run.name}`} data-testid="compare-pick" />
      </td>
      <td className="max-w-sm px-3 py-1.5">
        <div className="flex items-center gap-2">
          {run.running ? <span className="inline-block size-2 shrink-0 animate-pulse rounded-full bg-sky-500" title="running now" data-testid="agent-running" /> : null}
          <Link href={`/agents/${run.traceId}`} className="truncate font-medium hover:underline" data-testid="agent-name">
            {run.name}
          </Link>
        </div>
        <div className="truncate text-[11px] text-zinc-500">
          {run.service}
          {run.sessionId ? ` · ${run.sessionId}` : ''}
          {run.subagents > 0 ? ` · ${run.subagents} subagent${run.subagents === 1 ? '' : 's'}` : ''}
        </div>
      </td>
      <td className="max-w-[14rem] truncate px-3 py-1.5 font-mono text-zinc-600 dark:text-zinc-400" data-testid="agent-models">
        {run.models.join(', ') || '—'}
      </td>
      <td className="px-3 py-1.5 text-right font-mono">{run.turns}</td>
      <td className="px-3 py-1.5 text-right font-mono">{run.toolCalls}</td>
      <td className="px-3 py-1.5 text-right font-mono" data-testid="agent-tokens">
        {formatCount(run.usage.inputTokens)} / {formatCount(run.usage.outputTokens)}
      </td>
      <td className="px-3 py-1.5 text-right font-mono" title={cost.title} data-testid="agent-cost">
        {cost.text}
      </td>
      <td className="px-3 py-1.5 text-right font-mono">{run.running ? 'running' : formatDuration(run.durationMs)}</td>
      <td className={`px-3 py-1.5 text-right font-mono ${run.errorCount ? 'text-red-600 dark:text-red-400' : 'text-zinc-400'}`}>{run.errorCount}</td>
      <td className="px-3 py-1.5 text-right text-zinc-500">{formatAgo(run.startTime)}</td>
    </tr>
  );
}

/** Reads the first page again (at most every LIVE_RELOAD_MS) when agent, LLM or tool spans arrive live. */
function useLiveReload(reload: () => void, onFirstPage: boolean): void {
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  useEffect(() => {
    if (!onFirstPage) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const client = new LiveClient({ filter: {} });
    client.listen({
      spans: (batch, reset) => {
        if (reset || timer) return;
        if (!batch.some((s) => s.kind === 'llm' || s.kind === 'agent' || s.kind === 'tool')) return;
        timer = setTimeout(() => {
          timer = undefined;
          reloadRef.current();
        }, LIVE_RELOAD_MS);
      },
    });
    client.connect();
    return () => {
      if (timer) clearTimeout(timer);
      client.close();
    };
  }, [onFirstPage]);
}
