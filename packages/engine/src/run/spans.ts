import type { Attributes, RunRecord, SpanRecordInput, StepRecord } from '@runtime-hub/protocol';

/**
 * Span records for runs and steps: a run is a `workflow` span, each node attempt a `node` span
 * under it, a called workflow's run a `workflow` span under its caller's node span. Payloads are
 * clipped so one huge output cannot make the hub reject the record.
 */

const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_DEPTH = 24;

function tooDeep(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => tooDeep(v, depth + 1));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => tooDeep(v, depth + 1));
  return false;
}

/** The value itself when small and shallow enough, else a marker with a text preview. */
export function clip(value: unknown): unknown {
  if (value === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return { truncated: true, reason: 'not serializable' };
  }
  if (json === undefined) return undefined;
  if (json.length <= MAX_PAYLOAD_BYTES && !tooDeep(value, 0)) return value;
  return { truncated: true, bytes: Buffer.byteLength(json), preview: json.slice(0, 4096) };
}

function flatDetails(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  return json === undefined ? undefined : json.slice(0, 4000);
}

export function runSpan(run: RunRecord, name: string, ended: boolean): SpanRecordInput {
  const attributes: Attributes = {
    'workflow.project': run.project,
    'workflow.id': run.workflow,
    'workflow.version': run.version,
    'workflow.run.id': run.id,
    'workflow.run.status': run.status,
    'workflow.trigger': run.trigger.type,
  };
  if (run.rerunOf) attributes['workflow.run.rerun_of'] = run.rerunOf;
  if (run.rerunFrom) attributes['workflow.run.rerun_from'] = run.rerunFrom;
  if (run.parentRunId) attributes['workflow.run.parent'] = run.parentRunId;
  if (run.response) attributes['http.response.status_code'] = run.response.status;
  const record: SpanRecordInput = {
    traceId: run.traceId,
    spanId: run.spanId,
    parentSpanId: run.parentSpanId ?? null,
    service: run.project,
    name,
    kind: 'workflow',
    startTime: run.startedAt ?? run.createdAt,
    sessionId: run.rootRunId,
    input: clip(run.trigger),
    attributes,
  };
  if (ended) {
    record.endTime = Math.max(run.endedAt ?? run.startedAt ?? run.createdAt, record.startTime);
    record.status = run.status === 'succeeded' ? 'ok' : 'error';
    if (run.output !== undefined) record.output = clip(run.output);
    if (run.error) record.error = { type: run.error.code, message: run.error.message };
  }
  return record;
}

export function stepSpan(run: RunRecord, step: StepRecord, name: string, extra?: Attributes): SpanRecordInput {
  const attributes: Attributes = {
    'workflow.run.id': run.id,
    'workflow.node.id': step.nodeId,
    'workflow.node.type': step.nodeType,
    'workflow.node.visit': step.visit,
    'workflow.node.attempt': step.attempt,
    'workflow.step.status': step.status,
    ...extra,
  };
  if (step.branch) attributes['workflow.node.branch'] = step.branch;
  if (step.dueAt !== undefined) attributes['workflow.wait.due'] = new Date(step.dueAt).toISOString();
  if (step.retryAt !== undefined) attributes['workflow.retry.at'] = new Date(step.retryAt).toISOString();
  if (step.childRunId) attributes['workflow.call.run_id'] = step.childRunId;
  if (step.reused) attributes['workflow.step.reused'] = true;
  if (step.pinned) attributes['workflow.step.pinned'] = true;
  const record: SpanRecordInput = {
    traceId: run.traceId,
    spanId: step.spanId,
    parentSpanId: run.spanId,
    service: run.project,
    name,
    kind: 'node',
    startTime: step.startedAt,
    sessionId: run.rootRunId,
    attributes,
  };
  if (step.input !== undefined) record.input = clip(step.input);
  const finished = step.status === 'succeeded' || step.status === 'failed' || step.status === 'cancelled';
  if (finished) {
    record.endTime = Math.max(step.endedAt ?? step.startedAt, step.startedAt);
    record.status = step.status === 'succeeded' ? 'ok' : 'error';
    if (step.output !== undefined) record.output = clip(step.output);
    if (step.error) {
      const details = flatDetails(step.error.details);
      record.error = { type: step.error.code, message: details ? `${step.error.message}\n${details}` : step.error.message };
    }
  }
  return record;
}

/** The length of a value's JSON text (4 for undefined), or undefined when it is not JSON. */
export function jsonSize(value: unknown): number | undefined {
  if (value === undefined) return 4;
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : json.length;
  } catch {
    return undefined;
  }
}
