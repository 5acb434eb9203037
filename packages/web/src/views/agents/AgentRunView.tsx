import { lazy, Suspense, useMemo, useState } from 'react';
import { Link } from 'wouter';
import type { Span } from '../../api/types';
import { analyticsOf } from '../../agents/run-stats';
import { StatusPill, displayStatusOf } from '../../components/StatusBadge';
import { formatCost, formatCount, formatDateTime, formatDuration } from '../../lib/format';
import { useSearchParam } from '../../state/use-filters';
import { useTraceMarks } from '../../components/AnnotationMarks';
import { BranchBar } from '../replay/BranchBar';
import { PlaybackBar } from './PlaybackBar';
import { RunGraph } from './RunGraph';
import { RUN_TABS } from './run-tabs';
import { useAgentRun } from './use-agent-run';
import { usePlayback } from './use-playback';

const SpanDetail = lazy(() => import('../../components/SpanDetail').then((m) => ({ default: m.SpanDetail })));

/** /agents/:traceId[/:tab] — one run or session: the graph and the tabs, live. */
export default function AgentRunView({ traceId, tab = 'graph' }: { traceId: string; tab?: string }) {
  const run = useAgentRun(traceId);
  const [selected, setSelected] = useSearchParam('span');
  const [playing, setPlaying] = useState(false);
  const marks = useTraceMarks(useMemo(() => [traceId], [traceId]));
  const all = run.spans;
  const finished = run.complete && all !== undefined && all.length > 0 && all.every((s) => s.endTime !== null);
  const playback = usePlayback(all ?? [], playing && finished);
  if (run.error) return <div className="p-6 text-sm text-red-600">{run.error}</div>;
  if (!all) return <div className="p-6 text-sm text-zinc-500">Loading the run…</div>;
  const spans = playback ? playback.spans : all;
  const current = RUN_TABS.find((t) => t.id === tab);
  const select = (id: string) => setSelected(id);
  const tabPlayback = playback
    ? { allSpans: all, at: playback.recording.start + playback.state.position, jumpTo: (time: number) => playback.seekTo(time - playback.recording.start) }
    : undefined;
  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="agent-run" data-load-ms={run.loadMs !== undefined ? Math.round(run.loadMs) : undefined}>
      <RunHeader traceId={traceId} spans={all} />
      <BranchBar traceId={traceId} />
      <nav className="flex items-center gap-1 border-b border-zinc-200 px-3 text-xs dark:border-zinc-800" aria-label="Run views" role="tablist">
        {[{ id: 'graph', label: 'Graph' }, ...RUN_TABS].map((t) => (
          <Link
            key={t.id}
            href={`/agents/${traceId}${t.id === 'graph' ? '' : `/${t.id}`}`}
            role="tab"
            aria-selected={t.id === tab}
            data-testid={`tab-${t.id}`}
            className={`border-b-2 px-3 py-1.5 ${t.id === tab ? 'border-indigo-500 font-medium text-indigo-700 dark:text-indigo-300' : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400'}`}
          >
            {t.label}
          </Link>
        ))}
        <button
          type="button"
          className={`ml-auto rounded border px-2 py-0.5 ${playing ? 'border-indigo-500 text-indigo-700 dark:text-indigo-300' : 'border-zinc-300 dark:border-zinc-700'} disabled:opacity-40`}
          disabled={!finished}
          title={finished ? 'Replay the run in time order' : 'Playback replays a finished run'}
          aria-pressed={playing}
          onClick={() => setPlaying((p) => !p)}
          data-testid="playback-toggle"
        >
          {playing ? 'Stop playback' : 'Playback'}
        </button>
      </nav>
      {playback ? <PlaybackBar playback={playback} /> : null}
      <div className="flex min-h-0 flex-1">
        <div className="flex min-h-0 min-w-0 flex-1 flex-col overflow-y-auto">
          {tab === 'graph' ? (
            <RunGraph key={playback ? `play-${playback.epoch}` : 'live'} spans={spans} selected={selected} onSelect={select} marks={marks} />
          ) : !run.complete ? (
            <p className="p-6 text-sm text-zinc-500">Loading prompts, inputs and results…</p>
          ) : current ? (
            <current.component traceId={traceId} spans={spans} onSelect={select} marks={marks} {...(tabPlayback ? { playback: tabPlayback } : {})} />
          ) : (
            <p className="p-6 text-sm">No tab {tab}.</p>
          )}
        </div>
        {selected && run.complete ? <DetailPanel spans={all} spanId={selected} onSelect={select} onClose={() => setSelected(null)} /> : null}
      </div>
    </div>
  );
}

function RunHeader({ traceId, spans }: { traceId: string; spans: Span[] }) {
  const root = useMemo(() => spans.find((s) => !s.parentSpanId) ?? spans[0], [spans]);
  const a = useMemo(() => analyticsOf(spans), [spans]);
  const cost = formatCost(a.totals);
  if (!root) return null;
  const end = Math.max(...spans.map((s) => s.endTime ?? s.startTime));
  const running = spans.some((s) => s.endTime === null);
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
      <Link href="/agents" className="text-zinc-500 hover:underline">
        Agents
      </Link>
      <h1 className="text-sm font-semibold" data-testid="run-name">
        {root.name}
      </h1>
      <StatusPill status={running ? 'running' : displayStatusOf(root)} />
      <span className="text-zinc-500">{root.service}</span>
      {root.sessionId ? <span className="font-mono text-zinc-500">session {root.sessionId}</span> : null}
      <span>{formatDateTime(root.startTime)}</span>
      <span>{running ? 'running' : formatDuration(end - root.startTime)}</span>
      <span>{a.totals.llmCalls} LLM calls</span>
      <span>{a.totals.toolCalls} tool calls</span>
      <span>
        {formatCount(a.totals.inputTokens)} in / {formatCount(a.totals.outputTokens)} out
      </span>
      <span title={cost.title} data-testid="run-cost">
        {cost.text}
      </span>
      {a.totals.errors ? <span className="text-red-600">{a.totals.errors} errors</span> : null}
      <Link href={`/agents?compare=${traceId}`} className="ml-auto text-indigo-600 hover:underline" data-testid="compare-with">
        Compare with…
      </Link>
      <Link href={`/traces/${traceId}`} className="text-indigo-600 hover:underline">
        Waterfall
      </Link>
    </header>
  );
}

function DetailPanel({ spans, spanId, onSelect, onClose }: { spans: Span[]; spanId: string; onSelect(id: string): void; onClose(): void }) {
  const span = spans.find((s) => s.spanId === spanId);
  if (!span) return null;
  const parent = span.parentSpanId ? (spans.find((s) => s.spanId === span.parentSpanId) ?? null) : null;
  const children = spans.filter((s) => s.parentSpanId === span.spanId);
  return (
    <aside className="w-[28rem] shrink-0 overflow-y-auto border-l border-zinc-200 dark:border-zinc-800">
      <Suspense fallback={null}>
        <SpanDetail span={span} parent={parent} childSpans={children.slice(0, 100)} childrenTruncated={children.length > 100} onSelect={onSelect} onClose={onClose} />
      </Suspense>
    </aside>
  );
}

