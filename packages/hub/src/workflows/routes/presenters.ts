import type { ScheduleStatus } from '@runtime-hub/engine';
import type { RunRecord, WorkflowDefinition } from '@runtime-hub/protocol';

/** What lists show of a run: everything but its payloads. */
export function runSummary(run: RunRecord) {
  return {
    id: run.id,
    project: run.project,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    trigger: run.trigger.type,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? null,
    endedAt: run.endedAt ?? null,
    durationMs: run.endedAt !== undefined && run.startedAt !== undefined ? run.endedAt - run.startedAt : null,
    error: run.error ? { code: run.error.code, message: run.error.message, nodeId: run.error.nodeId ?? null } : null,
    traceId: run.traceId,
    parentRunId: run.parentRunId ?? null,
    rerunOf: run.rerunOf ?? null,
  };
}

export function workflowSummary(workflow: WorkflowDefinition) {
  return {
    id: workflow.id,
    name: workflow.name,
    description: workflow.description ?? '',
    version: workflow.version ?? 0,
    visibility: workflow.visibility,
    endpoint: workflow.endpoint ?? null,
    trigger: workflow.trigger,
    nodes: workflow.nodes.length,
  };
}

export function scheduleView(status: ScheduleStatus) {
  return {
    expression: status.expression,
    timezone: status.timezone,
    missed: status.missed,
    paused: status.paused,
    lastFireAt: status.lastFireAt === null ? null : new Date(status.lastFireAt).toISOString(),
    nextRuns: status.nextFireTimes.map((t) => new Date(t).toISOString()),
  };
}
