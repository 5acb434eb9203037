import type { RunRecord, Span, StepRecord } from '@runtime-hub/protocol';

/** `skipped`: the run finished without reaching the node (never from a span). */
export type NodeRunStatus = 'running' | 'waiting' | 'retrying' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface NodeRunState {
  status: NodeRunStatus;
  /** Activations seen (a node in a loop runs once per item). */
  visits: number;
  attempt: number;
  durationMs: number | null;
  /** When a wait or a retry falls due, epoch ms. */
  dueAt?: number;
  reused?: boolean;
  /** A manual run used the node's pinned output instead of running it. */
  pinned?: boolean;
  /** The seq of the span this state came from, so an older replay changes nothing. */
  seq: number;
  /** visit.attempt of that span, to order spans of one node. */
  order: number;
}

export interface LiveRun {
  runId: string;
  status: RunRecord['status'] | 'unknown';
  nodes: Record<string, NodeRunState>;
}

export function emptyLiveRun(runId: string): LiveRun {
  return { runId, status: 'unknown', nodes: {} };
}

function nodeStatus(step: string | undefined, span: Span): NodeRunStatus {
  if (step === 'waiting') return 'waiting';
  if (step === 'failed' && span.attributes?.['workflow.retry.at'] !== undefined) return 'retrying';
  if (step === 'succeeded' || step === 'failed' || step === 'cancelled' || step === 'running') return step;
  return span.status === 'ok' ? 'succeeded' : span.status === 'error' ? 'failed' : 'running';
}

/**
 * Folds live spans of one run (`kind: workflow` for the run, `kind: node` per attempt) into a
 * status per node. Pure, and independent of arrival order: the latest activation and attempt of
 * each node wins, a replayed or older span changes nothing.
 */
export function applyRunSpans(state: LiveRun, spans: readonly Span[]): LiveRun {
  let next = state;
  for (const span of spans) {
    const attrs = span.attributes ?? {};
    if (span.kind === 'workflow' && attrs['workflow.run.id'] === state.runId) {
      const status = attrs['workflow.run.status'];
      if (typeof status === 'string') next = { ...next, status: status as RunRecord['status'] };
      continue;
    }
    if (span.kind !== 'node' || attrs['workflow.run.id'] !== state.runId) continue;
    const nodeId = String(attrs['workflow.node.id'] ?? '');
    if (!nodeId) continue;
    const visit = Number(attrs['workflow.node.visit'] ?? 0);
    const attempt = Number(attrs['workflow.node.attempt'] ?? 1);
    const order = visit * 1000 + attempt;
    const prev = next.nodes[nodeId];
    if (prev && (order < prev.order || (order === prev.order && span.seq <= prev.seq))) continue;
    const due = attrs['workflow.retry.at'] ?? attrs['workflow.wait.due'];
    const nodeState: NodeRunState = {
      status: nodeStatus(typeof attrs['workflow.step.status'] === 'string' ? attrs['workflow.step.status'] : undefined, span),
      // Visits count from 1 per node, so the highest seen is how many there were (O(1) per span).
      visits: Math.max(prev?.visits ?? 0, visit),
      attempt,
      durationMs: span.durationMs,
      seq: span.seq,
      order,
      ...(typeof due === 'string' ? { dueAt: Date.parse(due) } : {}),
      ...(attrs['workflow.step.reused'] === true ? { reused: true } : {}),
      ...(attrs['workflow.step.pinned'] === true ? { pinned: true } : {}),
    };
    next = { ...next, nodes: { ...next.nodes, [nodeId]: nodeState } };
  }
  return next;
}

/** The same state from a finished run's stored steps (`GET /api/v1/runs/:id`), e.g. on a run page. */
export function runStateFromSteps(run: RunRecord, steps: readonly StepRecord[]): LiveRun {
  const state = emptyLiveRun(run.id);
  state.status = run.status;
  for (const step of steps) {
    const order = step.visit * 1000 + step.attempt;
    const prev = state.nodes[step.nodeId];
    if (prev && order < prev.order) continue;
    const status: NodeRunStatus = step.status === 'failed' && step.retryAt !== undefined ? 'retrying' : step.status;
    state.nodes[step.nodeId] = {
      status,
      visits: Math.max(prev?.visits ?? 0, step.visit),
      attempt: step.attempt,
      durationMs: step.endedAt !== undefined ? step.endedAt - step.startedAt : null,
      seq: step.seq ?? 0,
      order,
      ...(step.dueAt !== undefined || step.retryAt !== undefined ? { dueAt: (step.retryAt ?? step.dueAt)! } : {}),
      ...(step.reused ? { reused: true } : {}),
      ...(step.pinned ? { pinned: true } : {}),
    };
  }
  return state;
}
