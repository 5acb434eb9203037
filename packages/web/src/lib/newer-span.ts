import type { TraceSpan } from '../api/types';

/** A newer state of a span wins; at the same state, a full span wins over an outline. */
export function newerSpan<T extends TraceSpan>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a) return b;
  if (!b) return a;
  if (b.seq !== a.seq) return b.seq > a.seq ? b : a;
  return a.partial && !b.partial ? b : a;
}
