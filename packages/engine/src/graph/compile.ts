import type { NodeDefinition, WorkflowDefinition } from '@runtime-hub/protocol';

/**
 * The graph of a workflow, indexed for the runner: edges by node, loop bodies and back edges.
 * Built once per workflow version, in O(nodes + edges) plus O(loops × body).
 */

export interface CompiledEdge {
  index: number;
  source: string;
  /** The source output the edge leaves from (`main` when the definition names none). */
  output: string;
  target: string;
  /** An edge from a loop's body back into the loop node: it ends an iteration. */
  back: boolean;
}

export interface CompiledGraph {
  definition: WorkflowDefinition;
  nodes: ReadonlyMap<string, NodeDefinition>;
  edges: readonly CompiledEdge[];
  /** The trigger node (exactly one per valid workflow). */
  triggerId: string;
  /** Edges into a node, back edges excluded, in definition order. */
  incoming: ReadonlyMap<string, readonly CompiledEdge[]>;
  /** Edges out of a node, in definition order. */
  outgoing: ReadonlyMap<string, readonly CompiledEdge[]>;
  /** Loop node → its back edges. */
  backEdges: ReadonlyMap<string, readonly CompiledEdge[]>;
  /** Loop node → the nodes of its body (reachable from its `item` output without passing it). */
  loopBodies: ReadonlyMap<string, ReadonlySet<string>>;
  /** Node → the innermost loop whose body holds it. */
  enclosingLoop: ReadonlyMap<string, string>;
}

export const LOOP_TYPE = 'loop';
export const TRIGGER_TYPE = 'trigger';

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Nodes reachable from the loop's `item` edges without passing through the loop node itself. */
export function loopBody(loopId: string, edges: readonly { source: string; output: string; target: string }[]): Set<string> {
  const out = new Map<string, string[]>();
  for (const edge of edges) push(out, edge.source, edge.target);
  const body = new Set<string>();
  const stack = edges.filter((e) => e.source === loopId && e.output === 'item').map((e) => e.target);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === loopId || body.has(id)) continue;
    body.add(id);
    for (const next of out.get(id) ?? []) stack.push(next);
  }
  return body;
}

/** Indexes a definition. It must have passed validation (one trigger, no dangling edges). */
export function compileGraph(definition: WorkflowDefinition): CompiledGraph {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const raw = definition.edges.map((e, index) => ({ index, source: e.source, output: e.sourceOutput ?? 'main', target: e.target }));
  const loopBodies = new Map<string, Set<string>>();
  for (const node of definition.nodes) if (node.type === LOOP_TYPE) loopBodies.set(node.id, loopBody(node.id, raw));

  const edges: CompiledEdge[] = raw.map((e) => ({ ...e, back: loopBodies.get(e.target)?.has(e.source) ?? false }));
  const incoming = new Map<string, CompiledEdge[]>();
  const outgoing = new Map<string, CompiledEdge[]>();
  const backEdges = new Map<string, CompiledEdge[]>();
  for (const edge of edges) {
    push(outgoing, edge.source, edge);
    if (edge.back) push(backEdges, edge.target, edge);
    else push(incoming, edge.target, edge);
  }

  const enclosingLoop = new Map<string, string>();
  const bySize = [...loopBodies.entries()].sort((a, b) => b[1].size - a[1].size);
  for (const [loopId, body] of bySize) for (const id of body) enclosingLoop.set(id, loopId);

  const trigger = definition.nodes.find((n) => n.type === TRIGGER_TYPE);
  return {
    definition,
    nodes,
    edges,
    triggerId: trigger?.id ?? '',
    incoming,
    outgoing,
    backEdges,
    loopBodies,
    enclosingLoop,
  };
}

/** Every node reachable from `from` (not including it), back edges included. */
export function descendants(graph: CompiledGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = (graph.outgoing.get(from) ?? []).map((e) => e.target);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of graph.outgoing.get(id) ?? []) stack.push(edge.target);
  }
  seen.delete(from);
  return seen;
}
