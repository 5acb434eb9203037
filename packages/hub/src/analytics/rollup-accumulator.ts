import type { Span } from '@runtime-hub/protocol';
import { bucketOf, BUCKET_COUNT, encodeHistogram } from '../stats/log-histogram.js';
import { MINUTE, type RollupDelta, type RollupStore } from './rollup-store.js';

interface Pending {
  delta: Omit<RollupDelta, 'histogram'>;
  /** bucket index → count; a handful of entries per series and minute. */
  histogram: Map<number, number>;
}

/** How many counted span ids each generation of the duplicate filter holds. */
const GENERATION = 100_000;

/**
 * Turns committed spans into rollup deltas, off the store's transaction: each listener call only
 * adds a few numbers per ended span into a map keyed by (minute, series); `flush()` (every second,
 * from register.ts) hands the map to the rollup store as one write.
 *
 * A span counts once, when it has ended: a start record (no endTime) counts nothing, and the end
 * record that completes it counts. A span can reach the listener ended twice — an end record sent
 * again, or a late start merged into an ended span — so the ids counted recently are remembered
 * (two generations of 100,000, ~10 MB at most) and a repeat is skipped.
 */
export class RollupAccumulator {
  private pending = new Map<string, Pending>();
  private current = new Set<string>();
  private previous = new Set<string>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: RollupStore) {}

  /** The ingest listener (ctx.onSpans): runs after the batch is durable. */
  onSpans(spans: readonly Span[]): void {
    for (const span of spans) {
      if (span.endTime === null) continue;
      const id = span.spanId;
      if (this.current.has(id) || this.previous.has(id)) continue;
      this.remember(id);
      this.count(span);
    }
  }

  private remember(id: string): void {
    if (this.current.size >= GENERATION) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
  }

  private count(span: Span): void {
    const bucket = Math.floor(span.startTime / MINUTE) * MINUTE;
    const model = span.usage?.model ?? '';
    const key = `${bucket}\u0000${span.service}\u0000${span.name}\u0000${span.kind}\u0000${model}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = {
        delta: { bucket, service: span.service, name: span.name, kind: span.kind, model, calls: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
        histogram: new Map(),
      };
      this.pending.set(key, entry);
    }
    const duration = Math.max(0, (span.endTime ?? span.startTime) - span.startTime);
    const delta = entry.delta;
    delta.calls++;
    if (span.status === 'error') delta.errors++;
    delta.durationSumMs += duration;
    if (duration > delta.durationMaxMs) delta.durationMaxMs = duration;
    delta.inputTokens += span.usage?.inputTokens ?? 0;
    delta.outputTokens += span.usage?.outputTokens ?? 0;
    delta.costUsd += span.usage?.costUsd ?? 0;
    const index = bucketOf(duration);
    entry.histogram.set(index, (entry.histogram.get(index) ?? 0) + 1);
  }

  /** Spans counted but not yet written. */
  get pendingSeries(): number {
    return this.pending.size;
  }

  /**
   * Writes what was counted so far; flushes run one after another, so a caller that awaits this
   * (an alert evaluation) sees everything counted before the call.
   */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const next = this.flushing.then(() => this.store.add([...batch.values()].map(toDelta)));
    this.flushing = next.catch(() => undefined);
    return next;
  }
}

function toDelta(entry: Pending): RollupDelta {
  const dense = new Float64Array(BUCKET_COUNT);
  for (const [index, n] of entry.histogram) dense[index] = n;
  return { ...entry.delta, histogram: encodeHistogram(dense) };
}
