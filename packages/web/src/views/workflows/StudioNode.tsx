import type { NodeDefinition, NodeTypeInfo } from '@runtime-hub/protocol';
import { Handle, Position, type Node, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { formatDuration } from '../../lib/format';
import type { NodeRunState } from '../../studio/run-state';
import type { NodeIssues } from '../../studio/validation';

export interface StudioNodeData extends Record<string, unknown> {
  def: NodeDefinition;
  info: NodeTypeInfo | undefined;
  outputs: string[];
  run: NodeRunState | undefined;
  issues: NodeIssues | undefined;
  /** The node's output is pinned: manual runs use it instead of running the node. */
  pinned: boolean;
  /** 1 + the retries its policy allows, for "attempt n of m". */
  maxAttempts: number;
}
export type StudioFlowNode = Node<StudioNodeData, 'step'>;

export const CATEGORY_STYLE: Record<string, { bar: string; badge: string; glyph: string }> = {
  trigger: { bar: 'bg-emerald-500', badge: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300', glyph: '▶' },
  action: { bar: 'bg-sky-500', badge: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300', glyph: '⇄' },
  logic: { bar: 'bg-amber-500', badge: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300', glyph: '◇' },
  data: { bar: 'bg-violet-500', badge: 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300', glyph: '{}' },
  ai: { bar: 'bg-pink-500', badge: 'bg-pink-100 text-pink-800 dark:bg-pink-950 dark:text-pink-300', glyph: '✦' },
  flow: { bar: 'bg-slate-500', badge: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200', glyph: '↻' },
};

const STATUS_RING: Record<string, string> = {
  running: 'ring-2 ring-sky-500 animate-pulse',
  waiting: 'ring-2 ring-indigo-400',
  retrying: 'ring-2 ring-amber-500',
  succeeded: 'ring-2 ring-emerald-500',
  failed: 'ring-2 ring-red-500',
  cancelled: 'ring-2 ring-zinc-400',
  skipped: 'opacity-60 border-dashed',
};

function statusText(run: NodeRunState, maxAttempts: number): string {
  const parts: string[] = [run.status];
  if (run.status === 'retrying' || run.attempt > 1) parts.push(`attempt ${run.attempt} of ${Math.max(maxAttempts, run.attempt)}`);
  if (run.visits > 1) parts.push(`×${run.visits}`);
  if (run.durationMs !== null && run.status !== 'running') parts.push(formatDuration(run.durationMs));
  if (run.dueAt !== undefined && (run.status === 'waiting' || run.status === 'retrying')) parts.push(`until ${new Date(run.dueAt).toLocaleTimeString()}`);
  if (run.reused) parts.push('reused');
  if (run.pinned) parts.push('pinned data');
  return parts.join(' · ');
}

/**
 * Below this zoom a node's text is too small to read (13 px × 0.4 ≈ 5 px), so nodes draw as plain
 * boxes: colour bar, status ring, pin mark, handles. A 500-node workflow at "fit view" is at about
 * 0.1, and painting 500 full nodes (texts, badges, labels) was most of the cost of a drag or pan.
 */
export const LOW_DETAIL_ZOOM = 0.4;
export const lowDetail = (s: ReactFlowState) => s.transform[2] < LOW_DETAIL_ZOOM;
/**
 * The canvas reads `lowDetail` from React Flow's store once and hands it down: one store listener
 * instead of one per node (every store update during a drag calls every listener), and nodes
 * re-render only when the zoom crosses the threshold.
 */
export const LowDetail = createContext(false);

/** A workflow node on the canvas: one input handle, one handle per output, status and issues. */
function StudioNodeView({ data, selected }: NodeProps<StudioFlowNode>) {
  const { def, info, outputs, run, issues, pinned, maxAttempts } = data;
  const simple = useContext(LowDetail);
  const style = CATEGORY_STYLE[info?.category ?? 'flow'] ?? CATEGORY_STYLE.flow!;
  const hasErrors = (issues?.errors.length ?? 0) > 0;
  const ring = run ? STATUS_RING[run.status] : hasErrors ? 'ring-2 ring-red-500' : issues?.warnings.length ? 'ring-1 ring-amber-400' : '';
  if (simple) {
    return (
      <div
        className={`relative h-[50px] w-[200px] rounded-md border-2 bg-white dark:bg-zinc-900 ${selected ? 'border-indigo-500' : pinned ? 'border-violet-500' : 'border-zinc-300 dark:border-zinc-700'} ${ring}`}
        data-testid={`node-${def.id}`}
        data-status={run?.status ?? ''}
        data-invalid={hasErrors ? 'true' : undefined}
        data-pinned={pinned ? 'true' : undefined}
        title={def.name || def.id}
      >
        <div className={`absolute inset-y-0 left-0 w-3 rounded-l ${pinned ? 'bg-violet-600' : style.bar}`} />
        {def.type !== 'trigger' ? <Handle type="target" position={Position.Left} id="in" /> : null}
        {outputs.map((output, i) => (
          <Handle key={output} type="source" position={Position.Right} id={output} style={{ top: `${outputs.length === 1 ? 50 : ((i + 1) / (outputs.length + 1)) * 100}%` }} />
        ))}
      </div>
    );
  }
  return (
    <div
      className={`relative w-[200px] rounded-md border bg-white text-zinc-900 [contain:layout_style] dark:bg-zinc-900 dark:text-zinc-100 ${selected ? 'border-indigo-500' : pinned ? 'border-violet-500 border-2' : 'border-zinc-300 dark:border-zinc-700'} ${ring} ${def.disabled ? 'opacity-50' : ''}`}
      data-testid={`node-${def.id}`}
      data-status={run?.status ?? ''}
      data-invalid={hasErrors ? 'true' : undefined}
      data-pinned={pinned ? 'true' : undefined}
    >
      {pinned ? (
        <span
          className="absolute -top-2.5 right-2 rounded bg-violet-600 px-1.5 text-[10px] font-medium leading-4 text-white"
          title="Pinned output: runs started by hand use it instead of running this node (webhook and cron runs never do)"
          data-testid="pinned-badge"
        >
          📌 pinned
        </span>
      ) : null}
      <div className={`absolute inset-y-0 left-0 w-1 rounded-l-md ${style.bar}`} />
      {def.type !== 'trigger' ? <Handle type="target" position={Position.Left} id="in" /> : null}
      <div className="flex items-center gap-2 py-2 pl-3 pr-2">
        <span className={`flex size-6 shrink-0 items-center justify-center rounded text-[11px] ${style.badge}`} aria-hidden>
          {style.glyph}
        </span>
        <div className="min-w-0 flex-1">
          <div className="truncate text-[13px] font-medium" data-testid="node-name">
            {def.name || def.id}
          </div>
          <div className="truncate text-[11px] text-zinc-500">
            {info?.name ?? def.type}
            {hasErrors ? <span className="ml-1 text-red-600" title={issues!.errors.map((i) => i.message).join('\n')}>⚠ {issues!.errors.length}</span> : null}
            {!hasErrors && issues?.warnings.length ? <span className="ml-1 text-amber-600" title={issues.warnings.map((i) => i.message).join('\n')}>⚠</span> : null}
          </div>
          {run ? (
            <div className="truncate text-[10px] text-zinc-600 dark:text-zinc-400" data-testid="node-status">
              {statusText(run, maxAttempts)}
            </div>
          ) : null}
        </div>
      </div>
      {outputs.map((output, i) => {
        const top = outputs.length === 1 ? 50 : ((i + 1) / (outputs.length + 1)) * 100;
        return (
          <div key={output}>
            <Handle type="source" position={Position.Right} id={output} style={{ top: `${top}%` }} />
            {outputs.length > 1 || output !== 'main' ? (
              <span className="pointer-events-none absolute right-2 -translate-y-1/2 text-[9px] text-zinc-500" style={{ top: `${top}%` }}>
                {output}
              </span>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}

export const StudioNode = memo(StudioNodeView);
