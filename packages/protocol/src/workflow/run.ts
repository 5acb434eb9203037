import type { HttpMethod } from './definition.js';

/**
 * Runs and steps as the engine persists them and the API returns them (`GET /api/v1/runs/:id`).
 * A step is one attempt of one activation of one node: a node inside a loop is activated once per
 * item (`visit`), and each activation may take several attempts.
 */

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const STEP_STATUSES = ['running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * A failure, serializable and explicit about retrying (Temporal's ApplicationFailure shape).
 * `status` is set for HTTP failures, `code` for everything (an engine code or an errno).
 */
export interface Failure {
  code: string;
  message: string;
  retryable: boolean;
  status?: number;
  nodeId?: string;
  field?: string;
  details?: unknown;
}

/** What started a run; the trigger node outputs it and expressions read it as `trigger`. */
export type TriggerData =
  | { type: 'manual'; body: unknown }
  | {
      type: 'webhook';
      method: HttpMethod;
      path: string;
      params: Record<string, string>;
      query: Record<string, string | string[]>;
      headers: Record<string, string>;
      body: unknown;
    }
  | { type: 'cron'; scheduledAt: string; firedAt: string; missed?: number }
  | { type: 'call'; body: unknown; callerRunId: string; callerNodeId: string };

/** The HTTP answer a public workflow gives, set by a `respond` node. */
export interface RunResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface RunRecord {
  id: string;
  project: string;
  workflow: string;
  version: number;
  status: RunStatus;
  trigger: TriggerData;
  output?: unknown;
  response?: RunResponse;
  error?: Failure;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** When the run times out (settings.timeoutMs), epoch ms. */
  deadlineAt?: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The run at the top of a chain of workflow calls; spans use it as their session. */
  rootRunId: string;
  parentRunId?: string;
  parentNodeId?: string;
  depth: number;
  /** A re-run: the run it copied, and the node it restarted from (absent: from the start). */
  rerunOf?: string;
  rerunFrom?: string;
  /** A re-run from `rerunFrom` with an edited input: that node's first activation gets this input. */
  rerunInput?: unknown;
}

export interface StepRecord {
  runId: string;
  nodeId: string;
  nodeType: string;
  /** 1 for the first activation of the node in this run; loops activate body nodes again. */
  visit: number;
  /** 1 for the first attempt; retries count up. */
  attempt: number;
  status: StepStatus;
  input?: unknown;
  output?: unknown;
  /** The output the result left from (`main`, `true`, a switch case, `error`, `item`…). */
  branch?: string;
  error?: Failure;
  startedAt: number;
  endedAt?: number;
  /** A wait node's due time, epoch ms. */
  dueAt?: number;
  /** A failed attempt that will be retried: when, epoch ms. */
  retryAt?: number;
  /** The order in which finished activations are applied; replaying them rebuilds the run. */
  seq?: number;
  spanId: string;
  /** A workflow-call node: the run it started. */
  childRunId?: string;
  /** A loop's items, recorded by the activation that sent its first item. */
  items?: unknown[];
  /** Copied from the run this one re-runs, not executed again. */
  reused?: boolean;
  /** The node's pinned output (a manual run), not executed. */
  pinned?: boolean;
}
