import type { Attributes, StepRecord } from '@runtime-hub/protocol';
import { NodeFailure } from '../errors.js';
import type { Timer } from '../ports.js';

/** One open activation of a run: an execution in flight, a wait, or a retry backoff. */
export interface Attempt {
  step: StepRecord;
  controller?: AbortController;
  timer?: Timer;
  attributes?: Attributes;
  /** A running execution (not a wait or a retry timer). */
  executing: boolean;
}

/** The key of an activation: one node, one visit. */
export function activationKey(step: Pick<StepRecord, 'nodeId' | 'visit'>): string {
  return `${step.nodeId}#${step.visit}`;
}

/** The open attempts of a run, by activation. */
export class Attempts extends Map<string, Attempt> {
  /** Executions still running (waits and retry timers aside). */
  executingCount(): number {
    let n = 0;
    for (const attempt of this.values()) if (attempt.executing) n++;
    return n;
  }

  /** Cancels every timer and aborts every execution with CANCELLED; `each` sees each attempt; all are forgotten when `forget`. */
  abortAll(reason: string, each?: (attempt: Attempt) => void, forget = true): void {
    for (const attempt of this.values()) {
      attempt.timer?.cancel();
      attempt.controller?.abort(new NodeFailure('CANCELLED', reason));
      each?.(attempt);
    }
    if (forget) this.clear();
  }
}
