import { FINISHED_RUN_STATUSES } from '@runtime-hub/protocol';
import type { RunRecord, StepRecord } from '@runtime-hub/protocol';
import type { RunQuery, RunStore, ScheduleState, StoreBatch, WorkflowVersionRecord } from '../ports.js';
import { compareSteps, decodeRunCursor, encodeRunCursor, stepKey } from './keys.js';

/**
 * A {@link RunStore} in memory: for tests, benchmarks and embedding the engine without a
 * database. Records are deep-copied in and out, so callers never share state with it — as
 * with a real database.
 */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, RunRecord>();
  private readonly steps = new Map<string, Map<string, StepRecord>>();
  private readonly schedules = new Map<string, ScheduleState>();
  private readonly versions = new Map<string, WorkflowVersionRecord>();
  private readonly owing = new Set<string>();
  /** Number of commits, for tests that count writes. */
  commits = 0;

  commit(batch: StoreBatch): Promise<void> {
    this.commits++;
    for (const run of batch.runs ?? []) this.runs.set(run.id, structuredClone(run));
    for (const step of batch.steps ?? []) {
      let map = this.steps.get(step.runId);
      if (!map) this.steps.set(step.runId, (map = new Map()));
      map.set(stepKey(step), structuredClone(step));
    }
    for (const runId of batch.owingSpans ?? []) this.owing.add(runId);
    return Promise.resolve();
  }

  listRunsOwingSpans(): Promise<RunRecord[]> {
    const runs = [...this.owing].map((id) => this.runs.get(id)).filter((run): run is RunRecord => run !== undefined);
    return Promise.resolve(structuredClone(runs));
  }

  spansDelivered(runIds: readonly string[]): Promise<void> {
    for (const id of runIds) this.owing.delete(id);
    return Promise.resolve();
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    return Promise.resolve(run && structuredClone(run));
  }

  listSteps(runId: string): Promise<StepRecord[]> {
    const steps = [...(this.steps.get(runId)?.values() ?? [])].sort(compareSteps);
    return Promise.resolve(structuredClone(steps));
  }

  listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const after = query.cursor ? decodeRunCursor(query.cursor) : undefined;
    const matching = [...this.runs.values()]
      .filter((r) => (query.project === undefined || r.project === query.project) && (query.workflow === undefined || r.workflow === query.workflow))
      .filter((r) => query.status === undefined || r.status === query.status)
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .filter((r) => !after || r.createdAt < after.createdAt || (r.createdAt === after.createdAt && r.id < after.id));
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    const result: { runs: RunRecord[]; nextCursor?: string } = { runs: structuredClone(page) };
    if (matching.length > query.limit && last) result.nextCursor = encodeRunCursor(last);
    return Promise.resolve(result);
  }

  listUnfinishedRuns(): Promise<RunRecord[]> {
    const runs = [...this.runs.values()]
      .filter((r) => !FINISHED_RUN_STATUSES.includes(r.status))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return Promise.resolve(structuredClone(runs));
  }

  getSchedule(project: string, workflow: string): Promise<ScheduleState | undefined> {
    const state = this.schedules.get(`${project}/${workflow}`);
    return Promise.resolve(state && { ...state });
  }

  putSchedule(state: ScheduleState): Promise<void> {
    this.schedules.set(`${state.project}/${state.workflow}`, { ...state });
    return Promise.resolve();
  }

  putWorkflowVersion(record: WorkflowVersionRecord): Promise<void> {
    this.versions.set(`${record.project}/${record.workflow}/${record.version}`, structuredClone(record));
    return Promise.resolve();
  }

  getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowVersionRecord | undefined> {
    const record = this.versions.get(`${project}/${workflow}/${version}`);
    return Promise.resolve(record && structuredClone(record));
  }
}
