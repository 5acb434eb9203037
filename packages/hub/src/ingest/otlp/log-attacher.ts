import type { Span } from '@runtime-hub/protocol';
import type { HubContext } from '../../context.js';
import type { LogEntry } from './logs-to-entries.js';
import { mergeLogEntries } from './merge-log-entries.js';

/** How long log records wait for their span, and how many spans' records may wait at once. */
export const PENDING_LIMITS = { ttlMs: 10 * 60_000, maxSpans: 10_000 };

interface Pending {
  traceId: string;
  entries: LogEntry[];
  since: number;
}

/**
 * Merges OTLP log records into their spans. Logs and spans come from separate exporters with
 * their own batching, so either may arrive first:
 * - span already stored: merged now (read the span, ingest it again with the additions);
 * - span not yet stored: the records wait in memory (bounded by PENDING_LIMITS) and are merged
 *   when the span is committed — every committed batch is checked (ctx.onSpans).
 * Merges run one at a time, so two batches for one span never overwrite each other's additions.
 * Records whose span never arrives are dropped after the time limit, with a warning in the log.
 */
export class LogAttacher {
  private readonly pending = new Map<string, Pending>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: HubContext,
    private readonly now: () => number = Date.now,
  ) {
    ctx.onSpans((spans) => this.onCommitted(spans));
  }

  /** Spans whose records are waiting for them (for tests and the status page). */
  get waiting(): number {
    return this.pending.size;
  }

  /** Merges each span's records into it, or keeps them until the span arrives. */
  attach(groups: Map<string, { traceId: string; entries: LogEntry[] }>): Promise<void> {
    return this.serial(async () => {
      for (const [spanId, group] of groups) {
        const span = await this.ctx.store.getSpan(spanId);
        if (span) await this.merge(span, group.entries);
        else this.hold(spanId, group);
      }
      // A span committed while the records above were being held: merge now, not never.
      for (const spanId of groups.keys()) {
        if (!this.pending.has(spanId)) continue;
        const span = await this.ctx.store.getSpan(spanId);
        if (span) await this.merge(span, this.take(spanId));
      }
    });
  }

  private onCommitted(spans: readonly Span[]): void {
    if (this.pending.size === 0) return;
    for (const span of spans) {
      if (!this.pending.has(span.spanId)) continue;
      const entries = this.take(span.spanId);
      void this.serial(async () => {
        // Read again: the span may have changed since this batch (an end after a start).
        const latest = (await this.ctx.store.getSpan(span.spanId)) ?? span;
        await this.merge(latest, entries);
      }).catch((error: unknown) => this.ctx.log.error({ err: error, spanId: span.spanId }, 'merging OTLP log records into their span failed'));
    }
  }

  private async merge(span: Span, entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const result = await this.ctx.ingest([mergeLogEntries(span, entries)]);
    if (result.rejected.length > 0) {
      this.ctx.log.warn({ spanId: span.spanId, problem: result.rejected[0] }, 'OTLP log records could not be merged into their span');
    }
  }

  private hold(spanId: string, group: { traceId: string; entries: LogEntry[] }): void {
    this.expire();
    const existing = this.pending.get(spanId);
    if (existing) {
      existing.entries.push(...group.entries);
      return;
    }
    if (this.pending.size >= PENDING_LIMITS.maxSpans) {
      const oldest = this.pending.keys().next().value as string;
      this.drop(oldest, 'too many spans waiting');
    }
    this.pending.set(spanId, { traceId: group.traceId, entries: [...group.entries], since: this.now() });
  }

  private take(spanId: string): LogEntry[] {
    const entries = this.pending.get(spanId)?.entries ?? [];
    this.pending.delete(spanId);
    return entries;
  }

  /** Insertion order is arrival order, so expired entries are at the front. */
  private expire(): void {
    const cutoff = this.now() - PENDING_LIMITS.ttlMs;
    for (const [spanId, pending] of this.pending) {
      if (pending.since > cutoff) break;
      this.drop(spanId, `its span did not arrive within ${PENDING_LIMITS.ttlMs / 60_000} minutes`);
    }
  }

  private drop(spanId: string, why: string): void {
    const pending = this.pending.get(spanId);
    this.pending.delete(spanId);
    this.ctx.log.warn({ spanId, traceId: pending?.traceId, records: pending?.entries.length }, `OTLP log records dropped: ${why}`);
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
