import { WORKFLOW_LIMITS } from '@runtime-hub/protocol';
import type { RunRecord, StepRecord } from '@runtime-hub/protocol';
import { descendants } from '../graph/compile.js';
import type { CompiledGraph } from '../graph/compile.js';
import { EngineError } from './engine-error.js';
import type { RerunOptions } from './engine-options.js';

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

type Inputs = { source: string; value: unknown }[];

/**
 * A re-run from a node with an edited input: that node's first activation receives the edited
 * value as its `input` (and as the first of its `inputs`), whatever its upstream delivered.
 * Everything else is unchanged: `nodes.<id>.output` still reads the recorded upstream outputs.
 */
export function withInputOverride(run: RunRecord, nodeId: string, visit: number, inputs: Inputs): Inputs {
  if (visit !== 1 || run.rerunFrom !== nodeId || !Object.hasOwn(run, 'rerunInput')) return inputs;
  const first: { source: string; value: unknown } = { source: inputs[0]?.source ?? nodeId, value: run.rerunInput };
  return [first, ...inputs.slice(1)];
}

/** Why an edited input cannot be used, or undefined when it can. */
export function inputOverrideProblem(graph: CompiledGraph, fromNode: string | undefined): string | undefined {
  if (fromNode === undefined) return 'an edited input needs fromNode: the node that receives it';
  if (fromNode === graph.triggerId) return `node "${fromNode}" is the trigger; to change the trigger data, start a new run with it`;
  return undefined;
}

/**
 * The seeds of a re-run with `options` (`steps`: the original run's), after checking that the
 * starting node and an edited input can be used; throws `INVALID_RERUN` or `TRIGGER_TOO_LARGE`.
 */
export function rerunPlan(graph: CompiledGraph, steps: readonly StepRecord[], options: RerunOptions): StepRecord[] {
  let seeds: StepRecord[] = [];
  if (options.fromNode !== undefined) {
    const result = rerunSeeds(graph, steps, options.fromNode);
    if ('problem' in result) throw new EngineError('INVALID_RERUN', result.problem);
    seeds = result.seeds;
  }
  if (options.input !== undefined) {
    const problem = inputOverrideProblem(graph, options.fromNode);
    if (problem) throw new EngineError('INVALID_RERUN', problem);
    const size = JSON.stringify(options.input)?.length ?? 0;
    if (size > WORKFLOW_LIMITS.maxTriggerBytes) throw new EngineError('TRIGGER_TOO_LARGE', `the edited input is ${size} bytes; the limit is ${WORKFLOW_LIMITS.maxTriggerBytes}`);
  }
  return seeds;
}
