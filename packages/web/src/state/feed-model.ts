import type { Span } from '../api/types';

/**
 * The live feed as plain data and pure functions: spans by id plus their order, newest start
 * first, capped. Updating a span that is already shown replaces it in place (its row stays where
 * it is); a stale or replayed copy (same or lower `seq`) changes nothing.
 */
export interface FeedModel {
  byId: Map<string, Span>;
  /** Span ids, newest start time first. */
  order: string[];
  /** Bumped on every change, so views can memoize on it. */
  version: number;
}

export const FEED_CAP = 5000;

export function emptyFeed(): FeedModel {
  return { byId: new Map(), order: [], version: 0 };
}

/**
 * Applies a batch of spans (in change order). Spans failing `matches` are dropped, and removed if
 * shown (a running call that ends too fast for a minimum-duration filter). Mutates the map for
 * speed and returns a new model object, so a store sees the change.
 */
export function applySpans(model: FeedModel, spans: readonly Span[], matches: (span: Span) => boolean, cap = FEED_CAP): FeedModel {
  if (spans.length === 0) return model;
  const { byId } = model;
  let changed = false;
  let removed: Set<string> | undefined;
  const added = new Map<string, Span>();
  for (const span of spans) {
    const known = byId.get(span.spanId) ?? added.get(span.spanId);
    if (known && known.seq >= span.seq) continue;
    if (!matches(span)) {
      if (byId.has(span.spanId)) {
        byId.delete(span.spanId);
        (removed ??= new Set()).add(span.spanId);
        changed = true;
      }
      added.delete(span.spanId);
      continue;
    }
    if (byId.has(span.spanId)) {
      byId.set(span.spanId, span);
      changed = true;
    } else {
      added.set(span.spanId, span);
    }
  }
  if (!changed && added.size === 0) return model;

  let order = removed ? model.order.filter((id) => !removed.has(id)) : model.order;
  if (added.size > 0) {
    const fresh = [...added.values()].sort(newestFirst);
    for (const span of fresh) byId.set(span.spanId, span);
    order = mergeNewestFirst(order, fresh, byId);
    if (order.length > cap) {
      for (let i = cap; i < order.length; i++) byId.delete(order[i]!);
      order = order.slice(0, cap);
    }
  }
  return { byId, order, version: model.version + 1 };
}

function newestFirst(a: Span, b: Span): number {
  return b.startTime - a.startTime || (a.spanId < b.spanId ? 1 : -1);
}

/** Merges spans sorted newest first into an id list sorted the same way; O(n + k). */
function mergeNewestFirst(order: string[], fresh: Span[], byId: Map<string, Span>): string[] {
  const head = order.length > 0 ? byId.get(order[0]!) : undefined;
  // The usual case: everything new started after everything shown.
  if (!head || fresh[fresh.length - 1]!.startTime >= head.startTime) {
    return fresh.map((s) => s.spanId).concat(order);
  }
  const result: string[] = new Array<string>(order.length + fresh.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < order.length && j < fresh.length) {
    const shown = byId.get(order[i]!)!;
    if (newestFirst(fresh[j]!, shown) <= 0) result[k++] = fresh[j++]!.spanId;
    else result[k++] = order[i++]!;
  }
  while (i < order.length) result[k++] = order[i++]!;
  while (j < fresh.length) result[k++] = fresh[j++]!.spanId;
  return result;
}
