import type { StoreBatch } from '@runtime-hub/engine';
import type { RunRecord, StepRecord } from '@runtime-hub/protocol';
import { addTo, binOf, type Histogram } from './histogram.js';
import { RESOLUTIONS } from './rollup-schema.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export interface RunCell {
  key: [resolution: number, bucket: number, project: string, workflow: string];
  succeeded: number;
  failed: number;
  cancelled: number;
  sum: number;
  max: number;
  histogram: Histogram;
}

export interface ErrorCell {
  key: [resolution: number, bucket: number, project: string, workflow: string, code: string, nodeType: string];
  count: number;
}

export interface NodeCell {
  key: [resolution: number, bucket: number, project: string, workflow: string, nodeId: string];
  nodeType: string;
  executions: number;
  failed: number;
  sum: number;
  max: number;
}

export interface RollupCells {
  runs: RunCell[];
  errors: ErrorCell[];
  nodes: NodeCell[];
}

/** What the store held before this write: how each implementation answers is its own business. */
export interface PriorState {
  /** The run is stored as finished already (written again: never counted twice). */
  runFinished(runId: string): boolean;
  stepFinished(step: StepRecord): boolean;
  /** The node type of a stored step of the run (the node a failed run failed on). */
  stepType(runId: string, nodeId: string): string | undefined;
  /** The stored run's project and workflow (a step carries neither). */
  owner(runId: string): [string, string] | undefined;
}

/** The stored rows a fold may ask {@link PriorState} about, for a store that reads them in one go. */
export interface PriorLookups {
  runIds: string[];
  steps: StepRecord[];
  failedNodes: [runId: string, nodeId: string][];
}

function countsAsFinishedStep(step: StepRecord): step is StepRecord & { endedAt: number } {
  return FINISHED.has(step.status) && !step.reused && step.endedAt !== undefined;
}

export function priorLookups(batches: readonly StoreBatch[]): PriorLookups {
  const runIds = new Set<string>();
  const steps: StepRecord[] = [];
  const failedNodes: [string, string][] = [];
  for (const batch of batches) {
    for (const run of batch.runs ?? []) {
      if (!FINISHED.has(run.status)) continue;
      runIds.add(run.id);
      if (run.status === 'failed' && run.error?.nodeId) failedNodes.push([run.id, run.error.nodeId]);
    }
    for (const step of batch.steps ?? []) {
      if (!countsAsFinishedStep(step)) continue;
      steps.push(step);
      runIds.add(step.runId);
    }
  }
  return { runIds: [...runIds], steps, failedNodes };
}

/**
 * Folds the runs and node attempts that become finished in a write into rollup cells, summed
 * in memory: one upsert per bucket and workflow, not per run. Called inside the run store's
 * transaction, before its upserts, so `prior` tells a run that finishes now from one stored as
 * finished already. The SQLite and PostgreSQL rollup writers share it.
 */
export function foldRollups(batches: readonly StoreBatch[], prior: PriorState): RollupCells {
  const runs = new Map<string, RunCell>();
  const errors = new Map<string, ErrorCell>();
  const nodes = new Map<string, NodeCell>();
  const finishing = new Map<string, RunRecord>();
  const stepsSeen = new Set<string>();
  const stepTypes = new Map<string, string>();
  const owners = new Map<string, [string, string]>();
  for (const batch of batches) {
    for (const step of batch.steps ?? []) stepTypes.set(`${step.runId}\u0000${step.nodeId}`, step.nodeType);
    for (const run of batch.runs ?? []) owners.set(run.id, [run.project, run.workflow]);
  }
  const ownerOf = (runId: string) => owners.get(runId) ?? prior.owner(runId);
  for (const batch of batches) {
    for (const run of batch.runs ?? []) {
      if (!FINISHED.has(run.status) || finishing.has(run.id) || prior.runFinished(run.id)) continue;
      finishing.set(run.id, run);
    }
    for (const step of batch.steps ?? []) {
      if (!countsAsFinishedStep(step)) continue;
      const stepId = `${step.runId}\u0000${step.nodeId}\u0000${step.visit}\u0000${step.attempt}`;
      if (stepsSeen.has(stepId)) continue;
      stepsSeen.add(stepId);
      if (prior.stepFinished(step)) continue;
      const owner = ownerOf(step.runId);
      if (owner) foldStep(step, owner, nodes);
    }
  }
  for (const run of finishing.values()) {
    let nodeType = '(run)';
    if (run.status === 'failed' && run.error?.nodeId) {
      nodeType = stepTypes.get(`${run.id}\u0000${run.error.nodeId}`) ?? prior.stepType(run.id, run.error.nodeId) ?? '(unknown)';
    }
    foldRun(run, nodeType, runs, errors);
  }
  return { runs: [...runs.values()], errors: [...errors.values()], nodes: [...nodes.values()] };
}

function foldRun(run: RunRecord, nodeType: string, runs: Map<string, RunCell>, errors: Map<string, ErrorCell>): void {
  const endedAt = run.endedAt ?? run.startedAt ?? run.createdAt;
  const duration = Math.max(0, endedAt - (run.startedAt ?? run.createdAt));
  const bin = binOf(duration);
  for (const resolution of RESOLUTIONS) {
    const bucket = Math.floor(endedAt / resolution) * resolution;
    const id = `${resolution}|${bucket}|${run.project}|${run.workflow}`;
    let cell = runs.get(id);
    if (!cell) {
      cell = { key: [resolution, bucket, run.project, run.workflow], succeeded: 0, failed: 0, cancelled: 0, sum: 0, max: 0, histogram: {} };
      runs.set(id, cell);
    }
    if (run.status === 'succeeded') cell.succeeded++;
    else if (run.status === 'failed') cell.failed++;
    else cell.cancelled++;
    cell.sum += duration;
    cell.max = Math.max(cell.max, duration);
    cell.histogram[bin] = (cell.histogram[bin] ?? 0) + 1;
    if (run.status === 'failed') {
      const code = run.error?.code ?? 'UNKNOWN';
      const errorId = `${id}|${code}|${nodeType}`;
      const entry = errors.get(errorId) ?? { key: [resolution, bucket, run.project, run.workflow, code, nodeType], count: 0 };
      entry.count++;
      errors.set(errorId, entry);
    }
  }
}

function foldStep(step: StepRecord & { endedAt: number }, [project, workflow]: [string, string], nodes: Map<string, NodeCell>): void {
  const duration = Math.max(0, step.endedAt - step.startedAt);
  for (const resolution of RESOLUTIONS) {
    const bucket = Math.floor(step.endedAt / resolution) * resolution;
    const id = `${resolution}|${bucket}|${project}|${workflow}|${step.nodeId}`;
    let cell = nodes.get(id);
    if (!cell) {
      cell = { key: [resolution, bucket, project, workflow, step.nodeId], nodeType: step.nodeType, executions: 0, failed: 0, sum: 0, max: 0 };
      nodes.set(id, cell);
    }
    cell.executions++;
    if (step.status === 'failed') cell.failed++;
    cell.sum += duration;
    cell.max = Math.max(cell.max, duration);
  }
}

/**
 * Several folds' cells as one, summed per key: the deltas in `wf_rollup_log` become one upsert
 * per row. The same sums as adding each to the stored rows one after another.
 */
export function mergeRollupCells(parts: readonly RollupCells[]): RollupCells {
  const runs = new Map<string, RunCell>();
  const errors = new Map<string, ErrorCell>();
  const nodes = new Map<string, NodeCell>();
  for (const part of parts) {
    for (const cell of part.runs) {
      const id = cell.key.join('\u0000');
      const into = runs.get(id);
      if (!into) runs.set(id, { ...cell, histogram: { ...cell.histogram } });
      else {
        into.succeeded += cell.succeeded;
        into.failed += cell.failed;
        into.cancelled += cell.cancelled;
        into.sum += cell.sum;
        into.max = Math.max(into.max, cell.max);
        addTo(into.histogram, cell.histogram);
      }
    }
    for (const cell of part.errors) {
      const id = cell.key.join('\u0000');
      const into = errors.get(id);
      if (!into) errors.set(id, { ...cell });
      else into.count += cell.count;
    }
    for (const cell of part.nodes) {
      const id = cell.key.join('\u0000');
      const into = nodes.get(id);
      if (!into) nodes.set(id, { ...cell });
      else {
        into.executions += cell.executions;
        into.failed += cell.failed;
        into.sum += cell.sum;
        into.max = Math.max(into.max, cell.max);
      }
    }
  }
  return { runs: [...runs.values()], errors: [...errors.values()], nodes: [...nodes.values()] };
}
