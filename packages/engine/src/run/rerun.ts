import type { StepRecord } from '@runtime-hub/protocol';
import { descendants } from '../graph/compile.js';
import type { CompiledGraph } from '../graph/compile.js';

/**
 * The steps a partial re-run from `fromNode` reuses: the finished activations of every node that
 * is not `fromNode` or downstream of it, in completion order. Returns a problem instead when the
 * node cannot be a starting point.
 */
export function rerunSeeds(graph: CompiledGraph, steps: readonly StepRecord[], fromNode: string): { seeds: StepRecord[] } | { problem: string } {
  if (!graph.nodes.has(fromNode)) return { problem: `node "${fromNode}" is not in version ${graph.definition.version ?? 0} of workflow "${graph.definition.id}"` };
  const loop = graph.enclosingLoop.get(fromNode);
  if (loop) return { problem: `node "${fromNode}" is inside loop "${loop}"; re-run from the loop node instead` };
  const redo = descendants(graph, fromNode);
  redo.add(fromNode);
  const seeds = steps
    .filter((s) => s.seq !== undefined && graph.nodes.has(s.nodeId) && !redo.has(s.nodeId))
    .filter((s) => s.status === 'succeeded' || (s.status === 'failed' && s.branch !== undefined))
    .sort((a, b) => (a.seq as number) - (b.seq as number));
  return { seeds };
}
