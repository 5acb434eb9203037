import { WORKFLOW_LIMITS } from '@runtime-hub/protocol';

/**
 * What one run may do. A public endpoint lets any caller choose the data a run works on (a
 * loop's items), so these bound the work one request can make the hub do.
 */
export interface RunLimits {
  /** Items one loop node may iterate over; more fail the loop node with LOOP_TOO_LARGE. */
  maxLoopItems: number;
  /** Activations (node runs, loop emissions) one run may start; more fail the run with STEP_LIMIT. */
  maxActivationsPerRun: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  maxLoopItems: WORKFLOW_LIMITS.maxLoopItems,
  maxActivationsPerRun: WORKFLOW_LIMITS.maxStepsPerRun,
};

/** The defaults with `overrides` applied; a value that is not a positive integer is refused. */
export function runLimits(overrides: Partial<RunLimits> = {}): RunLimits {
  const limits = { ...DEFAULT_RUN_LIMITS };
  for (const key of Object.keys(limits) as (keyof RunLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer, not ${String(value)}`);
    limits[key] = value;
  }
  return limits;
}

/**
 * How long the engine works before it lets the event loop run other callbacks (HTTP requests,
 * ingest, other runs): a long run of inline nodes — a loop over thousands of items — is cut into
 * slices of at most this many milliseconds or activations, whichever comes first, each committed
 * as its own wave.
 */
export const SLICE = { ms: 8, activations: 500 } as const;
