import type { WorkflowDefinition } from '@runtime-hub/protocol';

/** 1234 → "1.2 s", 87 → "87 ms", null → "—". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(rate >= 0.999 || rate < 0.1 ? 0 : 1)} %`;
}

/** "3 min ago", "2 h ago", "5 d ago". */
export function ago(at: number | string | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return 'never';
  const ms = now - (typeof at === 'string' ? Date.parse(at) : at);
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
  return `${Math.floor(ms / 86_400_000)} d ago`;
}

export type Health = 'healthy' | 'degraded' | 'failing' | 'idle';

/** A project's health from its runs today: idle without runs, else by success rate (95 % / 80 %). */
export function healthOf(rate: number | null | undefined, executions: number): Health {
  if (executions === 0 || rate === null || rate === undefined) return 'idle';
  if (rate >= 0.95) return 'healthy';
  if (rate >= 0.8) return 'degraded';
  return 'failing';
}

export const HEALTH_CLASS: Record<Health, string> = {
  healthy: 'bg-emerald-500',
  degraded: 'bg-amber-500',
  failing: 'bg-red-500',
  idle: 'bg-zinc-400',
};

/** Which workflows each workflow calls locally (its `workflow` nodes in local mode). */
export function callEdges(workflows: WorkflowDefinition[]): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  for (const workflow of workflows) {
    for (const node of workflow.nodes) {
      const config = node.config as { mode?: unknown; workflow?: unknown } | undefined;
      if (node.type === 'workflow' && (config?.mode ?? 'local') === 'local' && typeof config?.workflow === 'string') {
        if (!edges.some((e) => e.from === workflow.id && e.to === config.workflow)) edges.push({ from: workflow.id, to: config.workflow });
      }
    }
  }
  return edges;
}

export const button = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800';
export const input = 'rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';
export const card = 'rounded-lg border border-zinc-200 p-3 dark:border-zinc-800';
