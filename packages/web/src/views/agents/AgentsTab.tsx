import { useMemo } from 'react';
import type { Span } from '../../api/types';
import { type AgentNode, agentTree } from '../../agents/run-stats';
import { StatusDot, displayStatusOf } from '../../components/StatusBadge';
import { formatCost, formatCount, formatDuration } from '../../lib/format';

/** The run's agents nested: the session or orchestrator, its subagents, theirs, each with its own work. */
export function AgentsTab({ spans, onSelect }: { spans: Span[]; onSelect(id: string): void }) {
  const roots = useMemo(() => agentTree(spans), [spans]);
  return (
    <div className="p-4 text-xs" data-testid="agents-tree">
      {roots.map((node) => (
        <AgentItem key={node.span.spanId} node={node} depth={0} onSelect={onSelect} />
      ))}
    </div>
  );
}

function AgentItem({ node, depth, onSelect }: { node: AgentNode; depth: number; onSelect(id: string): void }) {
  const t = node.totals;
  const cost = formatCost(t);
  return (
    <div className={depth > 0 ? 'ml-5 border-l border-zinc-200 pl-3 dark:border-zinc-800' : ''}>
      <div className="my-1 flex flex-wrap items-center gap-x-3 gap-y-0.5 rounded border border-zinc-200 px-2 py-1.5 dark:border-zinc-800" data-testid="agent-node" data-depth={depth}>
        <StatusDot status={displayStatusOf(node.span)} />
        <button type="button" className="font-mono font-semibold hover:underline" onClick={() => onSelect(node.span.spanId)} data-testid="agent-node-name">
          {node.span.name}
        </button>
        {node.turns > 0 ? <span>{node.turns} turns</span> : null}
        <span>{t.llmCalls} LLM calls</span>
        <span data-testid="agent-node-tools">{t.toolCalls} tool calls</span>
        <span>
          {formatCount(t.inputTokens)} in / {formatCount(t.outputTokens)} out
        </span>
        <span title={cost.title}>{cost.text}</span>
        <span className="text-zinc-500">{node.span.endTime === null ? 'running' : formatDuration(node.span.durationMs)}</span>
        {t.errors > 0 ? <span className="text-red-600">{t.errors} errors</span> : null}
      </div>
      {node.children.map((child) => (
        <AgentItem key={child.span.spanId} node={child} depth={depth + 1} onSelect={onSelect} />
      ))}
    </div>
  );
}
