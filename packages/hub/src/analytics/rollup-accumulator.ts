import type { Span } from '@runtime-hub/protocol';
import { bucketOf, BUCKET_COUNT, encodeHistogram } from '../stats/log-histogram.js';
import { RecentIds } from './recent-ids.js';
import { MINUTE, type RollupDelta, type RollupStore } from './rollup-store.js';

interface Pending {
  delta: Omit<RollupDelta, 'histogram'>;
  counts: Float64Array;
}

/**
 * Distinct span names one service may add in one minute; later names count under OTHER_NAMES. A
 * service that puts ids in its span names ("GET /users/8412") would otherwise write a row per call
 * to every tier.
 */
export const MAX_NAMES_PER_MINUTE = 200;
export const OTHER_NAMES = '(other names)';

/** minute → service → name → kind → model → pending sums: lookups on the span's own strings, no key built per span. */
type Tree = Map<number, Map<string, Map<string, Map<string, Map<string, Pending>>>>>;

function child<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/**
 * Turns committed spans into rollup deltas, off the store's transaction: each listener call only
 * adds a few numbers per ended span into a tree keyed by (minute, series); `flush()` (every second,
 * from register.ts) hands it to the rollup store as one write.
 *
 * A span counts once, when it has ended: a start record (no endTime) counts nothing, and the end
 * record that completes it counts. A span can reach the listener ended twice — an end record sent
 * again, or a late start merged into an ended span — so the ids counted recently are remembered
 * (RecentIds: the last 100,000 to 200,000) and a repeat is skipped. With a store shared by several
 * hubs (`store.claim`), ended spans wait for the flush, which claims their ids in the store first:
 * a span whose end reached hub A and whose late start (or a resent end) reached hub B counts once.
 */
export class RollupAccumulator {
  private pending: Tree = new Map();
  /** Names each service used in the recent minutes (across flushes), for the cap. */
  private readonly names = new Map<number, Map<string, Set<string>>>();
  private readonly counted = new RecentIds();
  /** Ended spans waiting for the store's claim (stores shared by several hubs only). */
  private unclaimed: Span[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: RollupStore) {}

  /** The ingest listener (ctx.onSpans): runs after the batch is durable. */
  onSpans(spans: readonly Span[]): void {
    for (const span of spans) {
      if (span.endTime === null || !this.counted.add(span.spanId)) continue;
      if (this.store.claim) this.unclaimed.push(span);
      else this.count(span);
    }
  }

  private count(span: Span): void {
    const bucket = Math.floor(span.startTime / MINUTE) * MINUTE;
    const model = span.usage?.model ?? '';
    const byService = child(this.pending, bucket, () => new Map());
    const byName = child(byService, span.service, () => new Map());
    const name = this.cappedName(bucket, span.service, span.name);
    const byKind = child(byName, name, () => new Map());
    const byModel = child(byKind, span.kind, () => new Map());
    const entry = child(byModel, model, () => ({
      delta: { bucket, service: span.service, name, kind: span.kind, model, calls: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      counts: new Float64Array(BUCKET_COUNT),
    }));
    const duration = Math.max(0, (span.endTime ?? span.startTime) - span.startTime);
    const delta = entry.delta;
    delta.calls++;
    if (span.status === 'error') delta.errors++;
    delta.durationSumMs += duration;
    if (duration > delta.durationMaxMs) delta.durationMaxMs = duration;
    if (span.usage) {
      delta.inputTokens += span.usage.inputTokens ?? 0;
      delta.outputTokens += span.usage.outputTokens ?? 0;
      delta.costUsd += span.usage.costUsd ?? 0;
    }
    entry.counts[bucketOf(duration)]!++;
  }

  /** The span's name, or OTHER_NAMES once its service used MAX_NAMES_PER_MINUTE others in that minute. */
  private cappedName(bucket: number, service: string, name: string): string {
    let byService = this.names.get(bucket);
    if (!byService) {
      this.names.set(bucket, (byService = new Map()));
      // The last few minutes are enough: spans arrive close to when they start.
      if (this.names.size > 5) this.names.delete(this.names.keys().next().value!);
    }
    const seen = child(byService, service, () => new Set<string>());
    if (seen.has(name)) return name;
    if (seen.size >= MAX_NAMES_PER_MINUTE) return OTHER_NAMES;
    seen.add(name);
    return name;
  }

  /**
   * Writes what was counted so far; flushes run one after another, so a caller that awaits this
   * (an alert evaluation, a metrics query) sees everything counted before the call.
   */
  flush(): Promise<void> {
    const unclaimed = this.unclaimed;
    this.unclaimed = [];
    const next = this.flushing.then(async () => {
      if (unclaimed.length > 0) {
        // Another hub may have counted some of them (their records went to both): only the fresh ones count.
        const fresh = await this.store.claim!(unclaimed.map((span) => span.spanId), Date.now());
        for (const span of unclaimed) if (fresh.has(span.spanId)) this.count(span);
      }
      await this.store.add(this.takeDeltas());
    });
    this.flushing = next.catch(() => undefined);
    return next;
  }

  /** What was counted since the last flush, as deltas. */
  private takeDeltas(): RollupDelta[] {
    const tree = this.pending;
    this.pending = new Map();
    const deltas: RollupDelta[] = [];
    for (const byService of tree.values())
      for (const byName of byService.values())
        for (const byKind of byName.values())
          for (const byModel of byKind.values())
            for (const { delta, counts } of byModel.values()) deltas.push({ ...delta, histogram: encodeHistogram(counts) });
    return deltas;
  }
}
