import type { RunResponse, StepRecord } from '@runtime-hub/protocol';
import { applyCompletion } from './state.js';
import type { Completion, RunState } from './state.js';

/**
 * Rebuilding a run from its stored steps (pure). Finished activations are applied in
 * completion order; the latest attempt of each activation that had not finished tells what was
 * in flight when the process stopped.
 */

/** Applies the finished steps in `seq` order; returns the nodes to re-examine. */
export function replaySteps(state: RunState, steps: readonly StepRecord[], response: RunResponse | undefined): string[] {
  const finished = steps.filter((s) => s.seq !== undefined).sort((a, b) => (a.seq as number) - (b.seq as number));
  const candidates: string[] = [];
  const lastSeq = finished.at(-1)?.seq ?? 0;
  for (const step of finished) {
    if (!state.graph.nodes.has(step.nodeId)) continue;
    if (step.status === 'failed' && step.branch === undefined) continue;
    state.activations++;
    const completion: Completion = { nodeId: step.nodeId, visit: step.visit, branch: step.branch ?? 'main', output: step.output };
    if (step.items !== undefined) completion.items = step.items;
    if (step.nodeType === 'respond' && step.status === 'succeeded' && response) completion.response = response;
    candidates.push(...applyCompletion(state, completion));
  }
  state.seq = Math.max(state.seq, lastSeq);
  return candidates;
}

/** The latest attempt of every activation that was still open (running, waiting, or between retries). */
export function openAttempts(state: RunState, steps: readonly StepRecord[]): StepRecord[] {
  const finished = new Set(steps.filter((s) => s.seq !== undefined).map((s) => `${s.nodeId}#${s.visit}`));
  const latest = new Map<string, StepRecord>();
  for (const step of steps) {
    if (step.seq !== undefined) continue;
    const key = `${step.nodeId}#${step.visit}`;
    const current = latest.get(key);
    if (!current || step.attempt > current.attempt) latest.set(key, step);
  }
  return [...latest.values()].filter(
    (step) =>
      !finished.has(`${step.nodeId}#${step.visit}`) &&
      state.graph.nodes.has(step.nodeId) &&
      (state.visits.get(step.nodeId) ?? 0) <= step.visit &&
      step.status !== 'cancelled',
  );
}
