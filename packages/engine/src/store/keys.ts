import type { RunRecord, StepRecord } from '@runtime-hub/protocol';

/** A step's identity within its run: node, activation, attempt. */
export function stepKey(step: Pick<StepRecord, 'nodeId' | 'visit' | 'attempt'>): string {
  return `${step.nodeId}#${step.visit}#${step.attempt}`;
}

/** Run list cursors: opaque to clients, `createdAt:id` of the last run of the page. */
export function encodeRunCursor(run: Pick<RunRecord, 'createdAt' | 'id'>): string {
  return Buffer.from(`${run.createdAt}:${run.id}`, 'utf8').toString('base64url');
}

export function decodeRunCursor(cursor: string): { createdAt: number; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d+(?:\.\d+)?):([0-9a-f]{1,64})$/.exec(text);
  if (!match) return undefined;
  return { createdAt: Number(match[1]), id: match[2] as string };
}

/**
 * The order steps are listed in: by start time, then finished ones by completion order (unfinished
 * last), then node, activation and attempt. Every store lists them this way.
 */
export function compareSteps(a: StepRecord, b: StepRecord): number {
  return (
    a.startedAt - b.startedAt ||
    (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) ||
    a.nodeId.localeCompare(b.nodeId) ||
    a.visit - b.visit ||
    a.attempt - b.attempt
  );
}
