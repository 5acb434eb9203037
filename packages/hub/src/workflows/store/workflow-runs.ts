import type { RunStore } from '@runtime-hub/engine';

/**
 * What the hub needs of a run store beyond the engine's {@link RunStore}: saved versions'
 * numbering, schedule clean-up and retention. SqliteRunStore answers at once, PostgresRunStore
 * with promises; callers await either.
 */
export interface WorkflowRuns extends RunStore {
  /** The highest stored version of a workflow (0 when none). */
  latestVersion(project: string, workflow: string): number | Promise<number>;
  /** Forgets the schedule state of a deleted workflow or project. */
  deleteSchedules(project: string, workflow?: string): void | Promise<void>;
  /** Deletes up to `limit` finished runs created before `before`; returns how many went (call again until 0). */
  pruneFinishedRuns(before: number, limit?: number): number | Promise<number>;
}
