import type { RunRecord, SpanRecordInput, StepRecord } from '@runtime-hub/protocol';
import type { EngineLogger, RunStore, SpanSink } from '../ports.js';
import { stepKey } from '../store/keys.js';
import { settleSpanDebt } from './span-replay.js';

/**
 * The changes of one wave of a run, written together: rows are committed in one transaction,
 * and only then are spans emitted, callers notified and new executions started —
 * persist first, then act.
 */
export class Wave {
  private run = false;
  private readonly steps = new Map<string, StepRecord>();
  private spans: SpanRecordInput[] = [];
  private starts: (() => void)[] = [];
  private notices: (() => void)[] = [];
  private owing = false;

  /** The run row changed. */
  touchRun(): void {
    this.run = true;
  }

  putStep(step: StepRecord): void {
    this.steps.set(stepKey(step), step);
  }

  span(record: SpanRecordInput): void {
    this.spans.push(record);
  }

  /** The run finished: it owes its spans until the sink confirms them (see span-replay.ts). */
  owesSpans(): void {
    this.owing = true;
  }

  /** Starts an execution once the wave is durable. */
  start(fn: () => void): void {
    this.starts.push(fn);
  }

  get pendingStarts(): number {
    return this.starts.length;
  }

  /** Tells someone (an HTTP caller waiting for a response) once the wave is durable. */
  notice(fn: () => void): void {
    this.notices.push(fn);
  }

  /** Forgets executions not started yet (the run ended). */
  dropStarts(): void {
    this.starts = [];
  }

  async flush(store: RunStore, run: RunRecord, sink: SpanSink | undefined, log: EngineLogger | undefined): Promise<void> {
    const steps = [...this.steps.values()];
    const runs = this.run ? [run] : [];
    const owing = this.owing;
    this.steps.clear();
    this.run = false;
    this.owing = false;
    if (steps.length > 0 || runs.length > 0 || owing) await store.commit(owing ? { runs, steps, owingSpans: [run.id] } : { runs, steps });
    const spans = this.spans;
    this.spans = [];
    let delivered: void | Promise<boolean> = undefined;
    if (spans.length > 0 && sink) {
      try {
        delivered = sink.emit(spans);
      } catch (error) {
        delivered = Promise.resolve(false);
        log?.warn('workflow spans could not be emitted', { error: (error as Error).message });
      }
    }
    if (owing) void settleSpanDebt(store, run.id, delivered, log);
    const notices = this.notices;
    this.notices = [];
    for (const notice of notices) notice();
    const starts = this.starts;
    this.starts = [];
    for (const start of starts) start();
  }
}
