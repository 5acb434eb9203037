import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import { isTyping } from '../../app/shortcuts';
import type { Span, TraceSpan } from '../../api/types';
import { useTraceMarks } from '../../components/AnnotationMarks';
import { CopyButton } from '../../components/CopyButton';
import { displayStatusOf, StatusPill } from '../../components/StatusBadge';
import { useSpan } from '../../hooks/use-span';
import { useTrace } from '../../hooks/use-trace';
import { buildFlowGraph } from '../../lib/flow-graph';
import { formatDateTime, formatDuration } from '../../lib/format';
import { ancestorsOf, buildTree, childrenOf, flatten, parentsOf } from '../../lib/trace-tree';
import { useSearchParam } from '../../state/use-filters';
import { BranchBar } from '../replay/BranchBar';
import { FlowGraph } from './FlowGraph';
import { NodeCalls } from './NodeCalls';
import { Waterfall } from './Waterfall';

const SpanDetail = lazy(() => import('../../components/SpanDetail').then((m) => ({ default: m.SpanDetail })));

const TAB = 'rounded px-2.5 py-1 text-xs font-medium';

/** /traces/:traceId — one trace: waterfall or flow graph, and the detail of the selected call. */
export default function TraceView({ traceId }: { traceId: string }) {
  const { spans, error } = useTrace(traceId);
  const [view, setView] = useSearchParam('view');
  const [selected, setSelected] = useSearchParam('span');
  const marks = useTraceMarks(useMemo(() => [traceId], [traceId]));
  const [node, setNode] = useState<number | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const deepLink = useRef(selected);

  const tree = useMemo(() => (spans ? buildTree(spans) : undefined), [spans]);
  const rows = useMemo(() => (tree ? flatten(tree, collapsed) : undefined), [tree, collapsed]);
  const graph = useMemo(() => (tree && view === 'graph' ? buildFlowGraph(tree) : undefined), [tree, view]);
  const selectedIndex = selected && tree ? tree.indexOf.get(selected) : undefined;

  const hasRows = rows !== undefined;
  useEffect(() => {
    if (hasRows) requestAnimationFrame(() => performance.mark('rh:trace-ready'));
  }, [hasRows]);

  // A deep-linked span inside a collapsed subtree: expand its ancestors.
  useEffect(() => {
    if (!tree || selectedIndex === undefined) return;
    const hidden = ancestorsOf(tree, selectedIndex).filter((id) => collapsed.has(id));
    if (hidden.length > 0) setCollapsed((c) => new Set([...c].filter((id) => !hidden.includes(id))));
  }, [tree, selectedIndex, collapsed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector('dialog[open]')) return;
      if (e.key === 'w') setView(null);
      else if (e.key === 'g') setView('graph');
      else if (e.key === 'Escape') setSelected(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, setSelected]);

  const toggle = useCallback((id: string) => {
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const select = useCallback((id: string) => setSelected(id), [setSelected]);

  if (error) {
    return (
      <div className="p-6 text-sm">
        <p>{error}</p>
        <Link href="/traces" className="text-indigo-600 underline dark:text-indigo-400">
          All traces
        </Link>
      </div>
    );
  }
  if (!tree || !rows) return <div className="p-6 text-sm text-zinc-500">Loading trace…</div>;

  const root = tree.spans[tree.roots[0] ?? 0];
  const errors = tree.spans.reduce((n, s) => n + (s.status === 'error' ? 1 : 0), 0);
  const running = tree.spans.some((s) => s.endTime === null);
  const selectedSpan = selectedIndex !== undefined ? tree.spans[selectedIndex] : undefined;
  const parentIndex = selectedIndex !== undefined ? tree.parent[selectedIndex]! : -1;

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="trace-view" data-ready="true">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <Link href="/traces" className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
          ← Traces
        </Link>
        <h1 className="font-mono text-sm font-semibold" data-testid="trace-name">
          {root?.name ?? traceId}
        </h1>
        {root ? <StatusPill status={errors > 0 ? 'error' : displayStatusOf(root)} /> : null}
        <span className="text-xs text-zinc-500">
          {root?.service} · {formatDateTime(tree.start)} · {running ? 'running' : formatDuration(tree.end - tree.start)} ·{' '}
          <span data-testid="trace-span-count">{tree.spans.length.toLocaleString()} spans</span>
          {errors > 0 ? ` · ${errors} errors` : ''}
        </span>
        <span className="font-mono text-[11px] text-zinc-400">{traceId}</span>
        <CopyButton text={() => window.location.href} label="Copy link to this trace" className="py-1" />
        <Link href={`/agents?compare=${traceId}`} className="text-xs text-indigo-600 hover:underline dark:text-indigo-400" data-testid="compare-with">
          Compare with…
        </Link>
        <div className="ml-auto flex items-center gap-1" role="tablist">
          <button type="button" role="tab" aria-selected={view !== 'graph'} className={`${TAB} ${view !== 'graph' ? 'bg-zinc-200 dark:bg-zinc-800' : 'hover:bg-zinc-100 dark:hover:bg-zinc-900'}`} onClick={() => setView(null)}>
            Waterfall <kbd className="text-[10px] text-zinc-400">W</kbd>
          </button>
          <button type="button" role="tab" aria-selected={view === 'graph'} className={`${TAB} ${view === 'graph' ? 'bg-zinc-200 dark:bg-zinc-800' : 'hover:bg-zinc-100 dark:hover:bg-zinc-900'}`} onClick={() => setView('graph')}>
            Flow graph <kbd className="text-[10px] text-zinc-400">G</kbd>
          </button>
          {view !== 'graph' ? (
            <>
              <button type="button" className={`${TAB} hover:bg-zinc-100 dark:hover:bg-zinc-900`} onClick={() => setCollapsed(new Set())}>
                Expand all
              </button>
              <button type="button" className={`${TAB} hover:bg-zinc-100 dark:hover:bg-zinc-900`} onClick={() => setCollapsed(parentsOf(tree))}>
                Collapse all
              </button>
            </>
          ) : null}
        </div>
      </header>
      <BranchBar traceId={traceId} />
      <div className="flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col">
          {view === 'graph' && graph ? (
            <FlowGraph graph={graph} selected={node} onSelect={setNode} />
          ) : (
            <Waterfall tree={tree} rows={rows} collapsed={collapsed} selected={selected} scrollTo={deepLink.current} onSelect={select} onToggle={toggle} marks={marks} />
          )}
        </div>
        {selectedSpan ? (
          <aside className="w-[40%] min-w-96 max-w-2xl shrink-0 border-l border-zinc-200 dark:border-zinc-800">
            <Suspense fallback={null}>
              <SelectedSpan
                key={selectedSpan.spanId}
                outline={selectedSpan}
                parent={parentIndex === -1 ? null : tree.spans[parentIndex]}
                childSpans={childrenOf(tree, selectedIndex!)}
                onSelect={select}
                onClose={() => setSelected(null)}
              />
            </Suspense>
          </aside>
        ) : view === 'graph' && graph && node !== null && graph.nodes[node] ? (
          <aside className="w-80 shrink-0 border-l border-zinc-200 dark:border-zinc-800">
            <NodeCalls tree={tree} node={graph.nodes[node]!} onSelect={select} onClose={() => setNode(null)} />
          </aside>
        ) : null}
      </div>
    </div>
  );
}

/** The detail of a span of the trace: shown from the outline at once, completed by its payloads. */
function SelectedSpan(props: { outline: TraceSpan; parent: Span | null | undefined; childSpans: Span[]; onSelect(id: string): void; onClose(): void }) {
  const { span } = useSpan(props.outline.spanId, props.outline);
  return (
    <SpanDetail
      span={span ?? props.outline}
      parent={props.parent}
      childSpans={props.childSpans}
      onSelect={props.onSelect}
      onClose={props.onClose}
      showTraceLink={false}
    />
  );
}
