import { FINISHED_RUN_STATUSES } from '@runtime-hub/protocol';
import type { RunRecord, SpanRecordInput, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import type { EngineLogger, RunStore, SpanSink } from '../ports.js';
import { SLICE } from './limits.js';
import { runSpan, stepSpan } from './spans.js';

/**
 * Spans after a crash. Steps are committed first and their spans emitted after, so a crash in
 * between leaves spans "running" forever or missing. Spans are upserts by id, so re-emitting
 * them from the committed records is idempotent: a resumed run re-emits all of its spans, and a
 * finished run whose spans were not confirmed (a span debt, written with its last commit)
 * re-emits them on the next start.
 */

/** Every span of a run as its stored records say now: the run span and one per step. */
export function spansOfRun(run: RunRecord, steps: readonly StepRecord[], definition: WorkflowDefinition | undefined): SpanRecordInput[] {
  const names = new Map((definition?.nodes ?? []).map((node) => [node.id, node.name ?? node.id]));
  const ended = FINISHED_RUN_STATUSES.includes(run.status);
  return [runSpan(run, definition?.name ?? run.workflow, ended), ...steps.map((step) => stepSpan(run, step, names.get(step.nodeId) ?? step.nodeId))];
}

/**
 * Emits records a slice at a time with a turn of the event loop in between (a run of 40,000
 * steps must not reach ingest as one batch). Resolves once all are emitted, with `delivered`:
 * true once every slice is stored.
 */
export async function emitInSlices(
  sink: SpanSink | undefined,
  records: readonly SpanRecordInput[],
  yieldTurn: () => Promise<void>,
): Promise<{ delivered: Promise<boolean> }> {
  if (!sink) return { delivered: Promise.resolve(true) };
  const deliveries: (void | Promise<boolean>)[] = [];
  for (let i = 0; i < records.length; i += SLICE.activations) {
    if (i > 0) await yieldTurn();
    try {
      deliveries.push(sink.emit(records.slice(i, i + SLICE.activations)));
    } catch {
      deliveries.push(Promise.resolve(false));
    }
  }
  return { delivered: Promise.all(deliveries).then((all) => all.every((delivered) => delivered !== false)) };
}

/** Forgets a finished run's span debt once the sink says its spans are stored. */
export async function settleSpanDebt(store: RunStore, runId: string, delivered: void | Promise<boolean>, log?: EngineLogger): Promise<void> {
  try {
    if ((await delivered) === false) return;
    await store.spansDelivered([runId]);
  } catch (error) {
    log?.warn('could not record that a run\'s spans were stored; they are sent again on the next start', { runId, error: (error as Error).message });
  }
}

/** Re-emits the spans of every finished run that owes them; one run per turn of the event loop. */
export async function replayOwedSpans(
  r: { store: RunStore; spans?: SpanSink; log?: EngineLogger; yieldTurn: () => Promise<void> },
  definitionOf: (run: RunRecord) => Promise<WorkflowDefinition | undefined>,
): Promise<number> {
  const owed = await r.store.listRunsOwingSpans();
  for (const run of owed) {
    const records = spansOfRun(run, await r.store.listSteps(run.id), await definitionOf(run));
    const { delivered } = await emitInSlices(r.spans, records, r.yieldTurn);
    // Not awaited: a slow span store must not hold up the engine's start (cron, queued runs).
    void settleSpanDebt(r.store, run.id, delivered, r.log);
    await r.yieldTurn();
  }
  if (owed.length > 0) r.log?.info('workflow spans re-emitted after a restart', { runs: owed.length });
  return owed.length;
}
