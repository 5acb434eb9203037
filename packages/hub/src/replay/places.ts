import type { Span } from '@runtime-hub/protocol';

/**
 * Places in a call tree (docs/replay.md): a call's place is its parent's place, its name and its
 * ordinal among the calls of that name under that parent in start order — `main#0/agent#0/chat gpt-4o#2`.
 * The SDKs compute the same places while a replayed program runs; that is how recorded calls are
 * found again without relying on ids, which are new in every run.
 */
export function placesOf(spans: readonly Span[]): Map<string, string> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent);
    if (list) list.push(span);
    else children.set(parent, [span]);
  }
  const places = new Map<string, string>();
  // Iterative walk: a trace may be thousands of levels deep.
  const stack: Array<[string | null, string]> = [[null, '']];
  while (stack.length > 0) {
    const [parentId, prefix] = stack.pop()!;
    const list = (children.get(parentId) ?? []).slice().sort((a, b) => a.startTime - b.startTime || a.seq - b.seq);
    const ordinals = new Map<string, number>();
    for (const span of list) {
      const ordinal = ordinals.get(span.name) ?? 0;
      ordinals.set(span.name, ordinal + 1);
      const place = `${prefix}${prefix ? '/' : ''}${span.name}#${ordinal}`;
      places.set(span.spanId, place);
      stack.push([span.spanId, place]);
    }
  }
  return places;
}

export type Phase = 'before' | 'ancestor' | 'checkpoint';

/**
 * What a replay from `checkpoint` does with each recorded call: calls that ended before the
 * checkpoint started are replayed, its ancestors and itself run for real; the rest (after it, or
 * running while it started) is left out of the recording because it runs for real anyway.
 */
export function phaseOf(span: Span, checkpoint: Span, ancestors: ReadonlySet<string>): Phase | undefined {
  if (span.spanId === checkpoint.spanId) return 'checkpoint';
  if (ancestors.has(span.spanId)) return 'ancestor';
  if (span.endTime !== null && span.endTime <= checkpoint.startTime) return 'before';
  return undefined;
}

export function ancestorsOf(checkpoint: Span, byId: ReadonlyMap<string, Span>): Set<string> {
  const ancestors = new Set<string>();
  let parent = checkpoint.parentSpanId;
  while (parent !== null && byId.has(parent) && !ancestors.has(parent)) {
    ancestors.add(parent);
    parent = byId.get(parent)!.parentSpanId;
  }
  return ancestors;
}
