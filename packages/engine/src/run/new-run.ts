import type { RunRecord, StepRecord, TriggerData } from '@runtime-hub/protocol';
import type { IdSource } from '../ports.js';
import type { Redactor } from './redact.js';

export interface NewRun {
  id: string;
  project: string;
  workflow: string;
  version: number;
  trigger: TriggerData;
  createdAt: number;
  parent?: { run: RunRecord; nodeId: string; spanId: string };
  rerun?: { of: string; from?: string; input?: unknown };
}

/**
 * The record of a run about to start, queued: trigger data and an edited re-run input masked with
 * the project's secrets, the trace and depth inherited from a calling run.
 */
export function newRunRecord(spec: NewRun, ids: IdSource, redactor: Redactor): RunRecord {
  const { id, parent, rerun } = spec;
  const run: RunRecord = {
    id,
    project: spec.project,
    workflow: spec.workflow,
    version: spec.version,
    status: 'queued',
    trigger: redactor.value(spec.trigger),
    createdAt: spec.createdAt,
    traceId: parent?.run.traceId ?? id,
    spanId: ids.spanId(),
    rootRunId: parent?.run.rootRunId ?? id,
    depth: parent ? parent.run.depth + 1 : 0,
  };
  if (parent) {
    run.parentSpanId = parent.spanId;
    run.parentRunId = parent.run.id;
    run.parentNodeId = parent.nodeId;
  }
  if (rerun) {
    run.rerunOf = rerun.of;
    if (rerun.from !== undefined) run.rerunFrom = rerun.from;
    if (rerun.input !== undefined) run.rerunInput = redactor.value(rerun.input);
  }
  return run;
}

/** Steps a partial re-run reuses, renumbered for the new run and marked `reused`. */
export function seededSteps(seeds: StepRecord[], runId: string, ids: IdSource): StepRecord[] {
  return seeds.map((s, i) => ({ ...s, runId, spanId: ids.spanId(), seq: i + 1, reused: true }));
}
