/**
 * The run graph's model, outside React: what kind of node each span is, where it sits, which
 * repeated steps fold, and the path from a node to the root. Time runs left to right (each span
 * takes the next column in start order), depth top to bottom (one row per tree level).
 *
 * The layout is incremental: spans that arrive later get new columns on the right and nodes
 * already placed never move, so a graph growing live does not jump. Folding a loop lays the graph
 * out again, which is what the user asked for.
 */

export type NodeType = 'orchestrator' | 'agent' | 'llm' | 'tool' | 'other';

export interface GraphSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  startTime: number;
  endTime: number | null;
  status: string;
}

export interface GraphNode {
  id: string;
  span: GraphSpan;
  type: NodeType;
  /** The visible parent (null for roots). */
  parent: string | null;
  depth: number;
  col: number;
  /** Calls of the same parent that overlap in time share a group id: drawn side by side, bracketed. */
  parallelGroup: string | null;
  /** On the first iteration of a folded loop: how many iterations it stands for. */
  foldedRepeats?: number;
  loopId?: string;
}

export interface Loop {
  /** The span id of the loop's first step: the key of its fold state. */
  id: string;
  parent: string;
  /** Steps per iteration. */
  period: number;
  repeats: number;
  /** Every sibling after the first iteration (their descendants are hidden with them). */
  hidden: string[];
  /** The last step of the first iteration, which carries the ×N badge when folded. */
  badgeOn: string;
}

export function nodeTypeOf(span: Pick<GraphSpan, 'kind' | 'parentSpanId'>, isRoot: boolean): NodeType {
  if (span.kind === 'llm') return 'llm';
  if (span.kind === 'tool') return 'tool';
  if (isRoot) return 'orchestrator';
  if (span.kind === 'agent') return 'agent';
  return 'other';
}

const signature = (s: GraphSpan) => `${s.kind}\u0000${s.name}`;

/**
 * Runs of siblings that repeat a block of 1–4 steps at least three times in a row (an agent's
 * llm → tool → llm → tool loop). `children` are one parent's children in start order.
 */
export function findLoops(parent: string, children: readonly GraphSpan[], minRepeats = 3): Loop[] {
  const loops: Loop[] = [];
  const sig = children.map(signature);
  let i = 0;
  while (i < sig.length) {
    let best: { period: number; repeats: number } | undefined;
    for (let period = 1; period <= 4 && i + period * minRepeats <= sig.length; period++) {
      let repeats = 1;
      while (i + (repeats + 1) * period <= sig.length && sameBlock(sig, i, i + repeats * period, period)) repeats++;
      if (repeats >= minRepeats && (!best || repeats * period > best.repeats * best.period)) best = { period, repeats };
    }
    if (!best) {
      i++;
      continue;
    }
    const end = i + best.period * best.repeats;
    loops.push({
      id: children[i]!.spanId,
      parent,
      period: best.period,
      repeats: best.repeats,
      hidden: children.slice(i + best.period, end).map((c) => c.spanId),
      badgeOn: children[i + best.period - 1]!.spanId,
    });
    i = end;
  }
  return loops;
}

function sameBlock(sig: string[], a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (sig[a + k] !== sig[b + k]) return false;
  return true;
}

/** The ids from a node up to its root, the node included. */
export function pathToRoot(id: string, nodes: ReadonlyMap<string, GraphNode>): Set<string> {
  const path = new Set<string>();
  let at: string | null = id;
  while (at !== null && !path.has(at)) {
    path.add(at);
    at = nodes.get(at)?.parent ?? null;
  }
  return path;
}

/**
 * The incremental layout. `update(spans)` takes the run's spans (any order, repeated calls with
 * more spans as they arrive) and returns every visible node; a node keeps its column for good.
 */
export class RunGraphLayout {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly spans = new Map<string, GraphSpan>();
  private nextCol = 0;
  private hidden = new Set<string>();
  private loops: Loop[] = [];
  /** The last node placed under each parent: parallel calls are found against it. */
  private readonly lastChild = new Map<string, GraphNode>();
  private groupSeq = 0;

  constructor(private readonly folded: ReadonlySet<string> = new Set()) {}

  update(spans: readonly GraphSpan[]): { nodes: Map<string, GraphNode>; loops: Loop[]; columns: number } {
    let added = false;
    for (const span of spans) {
      const known = this.spans.get(span.spanId);
      if (!known || known !== span) {
        this.spans.set(span.spanId, span);
        if (!known) added = true;
        const node = this.nodes.get(span.spanId);
        if (node) node.span = span;
      }
    }
    if (added) {
      this.loops = this.findAllLoops();
      this.hidden = this.hiddenIds();
      for (const id of this.hidden) this.nodes.delete(id);
      const fresh = [...this.spans.values()].filter((s) => !this.nodes.has(s.spanId) && !this.hidden.has(s.spanId));
      fresh.sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
      for (const span of fresh) this.place(span);
      this.reattachOrphans();
      this.markFolds();
    }
    return { nodes: this.nodes, loops: this.loops, columns: this.nextCol };
  }

  private place(span: GraphSpan): void {
    const parentId = span.parentSpanId && this.spans.has(span.parentSpanId) ? span.parentSpanId : null;
    const parent = parentId ? this.nodes.get(parentId) : undefined;
    const node: GraphNode = {
      id: span.spanId,
      span,
      type: nodeTypeOf(span, parentId === null),
      parent: parent ? parent.id : null,
      depth: parent ? parent.depth + 1 : 0,
      col: this.nextCol++,
      parallelGroup: null,
    };
    if (parent) {
      const prev = this.lastChild.get(parent.id);
      // Overlapping in time with the previous sibling (which started no later): run in parallel.
      if (prev && (prev.span.endTime === null || prev.span.endTime > span.startTime) && prev.span.startTime <= span.startTime) {
        prev.parallelGroup ??= `p${this.groupSeq++}`;
        node.parallelGroup = prev.parallelGroup;
      }
      this.lastChild.set(parent.id, node);
    }
    this.nodes.set(span.spanId, node);
  }

  /** A child placed before its parent arrived sits at depth 0; once the parent is known it moves under it. */
  private reattachOrphans(): void {
    for (const node of this.nodes.values()) {
      const parentId = node.span.parentSpanId;
      if (node.parent === null && parentId && this.nodes.has(parentId)) {
        node.parent = parentId;
        node.type = nodeTypeOf(node.span, false);
        this.redepth(node, this.nodes.get(parentId)!.depth + 1);
      }
    }
  }

  private redepth(node: GraphNode, depth: number): void {
    node.depth = depth;
    for (const child of this.nodes.values()) if (child.parent === node.id) this.redepth(child, depth + 1);
  }

  private childrenBySpanParent(): Map<string, GraphSpan[]> {
    const children = new Map<string, GraphSpan[]>();
    for (const span of this.spans.values()) {
      if (!span.parentSpanId) continue;
      const list = children.get(span.parentSpanId);
      if (list) list.push(span);
      else children.set(span.parentSpanId, [span]);
    }
    for (const list of children.values()) list.sort((a, b) => a.startTime - b.startTime);
    return children;
  }

  private findAllLoops(): Loop[] {
    const loops: Loop[] = [];
    for (const [parent, children] of this.childrenBySpanParent()) if (children.length >= 3) loops.push(...findLoops(parent, children));
    return loops;
  }

  private hiddenIds(): Set<string> {
    const hidden = new Set<string>();
    const children = this.childrenBySpanParent();
    const hide = (id: string) => {
      if (hidden.has(id)) return;
      hidden.add(id);
      for (const child of children.get(id) ?? []) hide(child.spanId);
    };
    for (const loop of this.loops) if (this.folded.has(loop.id)) loop.hidden.forEach(hide);
    return hidden;
  }

  private markFolds(): void {
    for (const node of this.nodes.values()) {
      delete node.foldedRepeats;
      delete node.loopId;
    }
    for (const loop of this.loops) {
      const first = this.nodes.get(loop.id);
      if (first) first.loopId = loop.id;
      const badge = this.nodes.get(loop.badgeOn);
      if (badge && this.folded.has(loop.id)) badge.foldedRepeats = loop.repeats;
    }
  }
}
