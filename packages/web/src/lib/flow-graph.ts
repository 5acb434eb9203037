import { flatten, type TraceTree } from './trace-tree';

/** A function in the flow graph: every call with the same service and name. */
export interface FlowNode {
  id: number;
  name: string;
  service: string;
  kind: string;
  calls: number;
  errors: number;
  totalMs: number;
  /** Shallowest depth at which it is called: its column. */
  layer: number;
  /** Row within its column. */
  row: number;
  /** The caller through which it is first reached from a root (the highlighted path), or -1. */
  via: number;
  /** Span indices of its calls, in trace order. */
  spans: number[];
}

/** Calls from one function to another, aggregated. */
export interface FlowEdge {
  from: number;
  to: number;
  calls: number;
  totalMs: number;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Functions left out to keep the graph readable (the ones with the least total time). */
  hiddenNodes: number;
  layers: number;
  maxRows: number;
}

export const MAX_FLOW_NODES = 200;

/**
 * Aggregates a trace into functions (nodes) and calls between them (edges) in O(n), then lays
 * them out in columns by call depth, each column ordered by its callers' rows. No layout engine:
 * call graphs of real traces have few functions, and the column layout reads like the call tree.
 */
export function buildFlowGraph(tree: TraceTree, maxNodes = MAX_FLOW_NODES): FlowGraph {
  const keyOf = new Map<string, number>();
  const all: FlowNode[] = [];
  const nodeOfSpan = new Int32Array(tree.spans.length).fill(-1);
  const rows = flatten(tree);
  for (let r = 0; r < rows.length; r++) {
    const i = rows.index[r]!;
    const depth = rows.depth[r]!;
    const span = tree.spans[i]!;
    const key = `${span.service}\u0000${span.name}`;
    let id = keyOf.get(key);
    if (id === undefined) {
      id = all.length;
      keyOf.set(key, id);
      all.push({ id, name: span.name, service: span.service, kind: span.kind, calls: 0, errors: 0, totalMs: 0, layer: depth, row: 0, via: -1, spans: [] });
    }
    const node = all[id]!;
    nodeOfSpan[i] = id;
    node.calls++;
    if (span.status === 'error') node.errors++;
    node.totalMs += span.durationMs ?? 0;
    node.spans.push(i);
    const p = tree.parent[i]!;
    if (depth < node.layer || (node.via === -1 && p !== -1 && depth === node.layer)) {
      node.layer = depth;
      node.via = p === -1 ? -1 : nodeOfSpan[p]!;
    }
  }

  // Keep the functions that take the most time, and every caller on their paths.
  let kept = all;
  if (all.length > maxNodes) {
    const keep = new Set<number>();
    for (const node of [...all].sort((a, b) => b.totalMs - a.totalMs)) {
      if (keep.size >= maxNodes) break;
      for (let v = node.id, guard = 0; v !== -1 && !keep.has(v) && guard < 1000; v = all[v]!.via, guard++) keep.add(v);
    }
    kept = all.filter((n) => keep.has(n.id));
  }
  const newId = new Map<number, number>();
  kept.forEach((node, i) => newId.set(node.id, i));
  const nodes = kept.map((node, i) => ({ ...node, id: i, via: node.via === -1 ? -1 : (newId.get(node.via) ?? -1) }));

  const edgeMap = new Map<number, FlowEdge>();
  for (let i = 0; i < tree.spans.length; i++) {
    const p = tree.parent[i]!;
    if (p === -1) continue;
    const from = newId.get(nodeOfSpan[p]!);
    const to = newId.get(nodeOfSpan[i]!);
    if (from === undefined || to === undefined) continue;
    const key = from * 1_000_003 + to;
    let edge = edgeMap.get(key);
    if (!edge) edgeMap.set(key, (edge = { from, to, calls: 0, totalMs: 0 }));
    edge.calls++;
    edge.totalMs += tree.spans[i]!.durationMs ?? 0;
  }

  // Rows: columns in order of depth; within one, by the row of the caller, then first appearance.
  const byLayer: FlowNode[][] = [];
  for (const node of nodes) (byLayer[node.layer] ??= []).push(node);
  let maxRows = 0;
  for (const column of byLayer) {
    if (!column) continue;
    column.sort((a, b) => (a.via === -1 ? -1 : nodes[a.via]!.row) - (b.via === -1 ? -1 : nodes[b.via]!.row) || a.spans[0]! - b.spans[0]!);
    column.forEach((node, row) => (node.row = row));
    maxRows = Math.max(maxRows, column.length);
  }
  return { nodes, edges: [...edgeMap.values()], hiddenNodes: all.length - nodes.length, layers: byLayer.length, maxRows };
}

/** Node ids on the path from a root to `id` (following `via`), for hover highlighting. */
export function pathTo(graph: FlowGraph, id: number): Set<number> {
  const path = new Set<number>();
  for (let v = id; v !== -1 && !path.has(v); v = graph.nodes[v]!.via) path.add(v);
  return path;
}
