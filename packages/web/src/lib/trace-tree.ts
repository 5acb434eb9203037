import type { Span } from '../api/types';

/**
 * A trace as a tree over span indices, built in O(n): children are linked lists in typed arrays
 * (first child, next sibling), so a 100,000-span trace costs a few hundred kilobytes. Children keep
 * the order of `spans`, which the API returns by start time. A span whose parent is not in the
 * trace (not stored yet, or pruned) becomes a root; so does any span caught in a parent cycle.
 */
export interface TraceTree {
  spans: Span[];
  indexOf: Map<string, number>;
  parent: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  childCount: Int32Array;
  roots: number[];
  /** Earliest start and latest end (or now, for running spans) of the whole trace. */
  start: number;
  end: number;
}

export function buildTree(input: readonly Span[], now = Date.now()): TraceTree {
  const spans = isSortedByStart(input) ? (input as Span[]) : [...input].sort((a, b) => a.startTime - b.startTime);
  const n = spans.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) indexOf.set(spans[i]!.spanId, i);
  const parent = new Int32Array(n).fill(-1);
  const firstChild = new Int32Array(n).fill(-1);
  const lastChild = new Int32Array(n).fill(-1);
  const nextSibling = new Int32Array(n).fill(-1);
  const childCount = new Int32Array(n);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const span = spans[i]!;
    start = Math.min(start, span.startTime);
    end = Math.max(end, span.endTime ?? Math.max(now, span.startTime));
    const p = span.parentSpanId === null ? undefined : indexOf.get(span.parentSpanId);
    if (p === undefined || p === i) continue;
    parent[i] = p;
    if (lastChild[p] === -1) firstChild[p] = i;
    else nextSibling[lastChild[p]!] = i;
    lastChild[p] = i;
    childCount[p]!++;
  }
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (parent[i] === -1) roots.push(i);
  const tree: TraceTree = { spans, indexOf, parent, firstChild, nextSibling, childCount, roots, start: n ? start : 0, end: n ? end : 0 };
  // Spans in a parent cycle are reachable from no root: adopt one of each cycle as a root.
  const visited = new Uint8Array(n);
  walk(tree, new Set(), () => undefined, tree.roots, visited);
  for (let i = 0; i < n; i++) {
    if (visited[i]) continue;
    roots.push(i);
    walk(tree, new Set(), () => undefined, [i], visited);
  }
  return tree;
}

function isSortedByStart(spans: readonly Span[]): boolean {
  for (let i = 1; i < spans.length; i++) if (spans[i]!.startTime < spans[i - 1]!.startTime) return false;
  return true;
}

/** Depth-first, in child order, skipping the children of collapsed spans. */
function walk(
  tree: TraceTree,
  collapsed: ReadonlySet<string>,
  visit: (index: number, depth: number) => void,
  roots: readonly number[] = tree.roots,
  visited = new Uint8Array(tree.spans.length),
): void {
  const stack: number[] = [];
  const depths: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) {
    stack.push(roots[r]!);
    depths.push(0);
  }
  const kids: number[] = [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    const depth = depths.pop()!;
    if (visited[i]) continue;
    visited[i] = 1;
    visit(i, depth);
    if (collapsed.has(tree.spans[i]!.spanId)) continue;
    kids.length = 0;
    for (let c = tree.firstChild[i]!; c !== -1; c = tree.nextSibling[c]!) kids.push(c);
    for (let k = kids.length - 1; k >= 0; k--) {
      stack.push(kids[k]!);
      depths.push(depth + 1);
    }
  }
}

/** The rows of a waterfall: span indices in tree order with their depth, without collapsed subtrees. */
export interface FlatRows {
  index: Int32Array;
  depth: Int32Array;
  length: number;
}

export function flatten(tree: TraceTree, collapsed: ReadonlySet<string> = new Set()): FlatRows {
  const n = tree.spans.length;
  const index = new Int32Array(n);
  const depth = new Int32Array(n);
  let length = 0;
  walk(tree, collapsed, (i, d) => {
    index[length] = i;
    depth[length] = d;
    length++;
  });
  return { index, depth, length };
}

/** Ids of every span with children: "collapse all". */
export function parentsOf(tree: TraceTree): Set<string> {
  const ids = new Set<string>();
  for (let i = 0; i < tree.spans.length; i++) if (tree.childCount[i]! > 0 && tree.parent[i] !== -1) ids.add(tree.spans[i]!.spanId);
  return ids;
}

export function childrenOf(tree: TraceTree, index: number): Span[] {
  const result: Span[] = [];
  for (let c = tree.firstChild[index]!; c !== -1; c = tree.nextSibling[c]!) result.push(tree.spans[c]!);
  return result;
}

/** Spans whose ancestors must be expanded for `index` to be visible. */
export function ancestorsOf(tree: TraceTree, index: number): string[] {
  const ids: string[] = [];
  const guard = new Set<number>();
  for (let p = tree.parent[index]!; p !== -1 && !guard.has(p); p = tree.parent[p]!) {
    guard.add(p);
    ids.push(tree.spans[p]!.spanId);
  }
  return ids;
}
