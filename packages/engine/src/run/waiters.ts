import type { RunRecord, RunResponse } from '@runtime-hub/protocol';

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export interface RunAnswer {
  response?: RunResponse;
  run?: RunRecord;
}

/**
 * Callers waiting on runs the engine is not holding in a driver: for a run to finish
 * (`waitForRun`) or for its HTTP answer (`waitForResponse`). Settled by the engine as runs finish
 * here, or as a worker reports them (scaled mode).
 */
export class RunWaiters {
  private readonly runs = new Map<string, Waiter<RunRecord>[]>();
  private readonly responses = new Map<string, Waiter<RunAnswer>[]>();

  forRun(runId: string): Promise<RunRecord> {
    return new Promise((resolve, reject) => push(this.runs, runId, { resolve, reject }));
  }

  forResponse(runId: string): Promise<RunAnswer> {
    return new Promise((resolve, reject) => push(this.responses, runId, { resolve, reject }));
  }

  runFinished(runId: string, run: RunRecord): void {
    settle(this.runs, runId, run);
  }

  answered(runId: string, answer: RunAnswer): void {
    settle(this.responses, runId, answer);
  }

  /** The engine stops: every waiter gets `error` (the run resumes on the next start). */
  rejectAll(error: unknown): void {
    for (const waiters of [...this.runs.values(), ...this.responses.values()]) for (const waiter of waiters) waiter.reject(error);
    this.runs.clear();
    this.responses.clear();
  }
}

function push<T>(map: Map<string, Waiter<T>[]>, runId: string, waiter: Waiter<T>): void {
  const list = map.get(runId) ?? [];
  list.push(waiter);
  map.set(runId, list);
}

function settle<T>(map: Map<string, Waiter<T>[]>, runId: string, value: T): void {
  const waiters = map.get(runId);
  map.delete(runId);
  for (const waiter of waiters ?? []) waiter.resolve(value);
}
