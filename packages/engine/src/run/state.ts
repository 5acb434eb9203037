import type { RunResponse } from '@runtime-hub/protocol';
import { LOOP_TYPE, TRIGGER_TYPE } from '../graph/compile.js';
import type { CompiledGraph } from '../graph/compile.js';

/**
 * The state of one run as a pure state machine. The runner applies each finished activation
 * (a {@link Completion}) in order; the same completions replayed from the store rebuild the same
 * state after a restart. Nothing here does I/O or reads a clock.
 *
 * Semantics: a node runs once every edge into it has either delivered a value or been skipped,
 * and at least one delivered; if all were skipped, the node is skipped too (and its edges).
 * A node's result leaves on one output; the edges of its other outputs are skipped. A loop node
 * sends one item at a time into its body; once every body node has run or been skipped, the
 * values on the back edges are collected and the next item goes out, or the collected values
 * leave on `done`.
 */

const PENDING = 0;
const ACTIVE = 1;
const SKIPPED = 2;

export type NodeStatus = 'idle' | 'started' | 'done' | 'skipped' | 'looping';

export interface LoopState {
  items: unknown[];
  index: number;
  results: unknown[];
}

export interface RunState {
  readonly graph: CompiledGraph;
  readonly edgeStatus: Uint8Array;
  readonly edgeValue: unknown[];
  readonly status: Map<string, NodeStatus>;
  /** Activations started so far, per node. */
  readonly visits: Map<string, number>;
  /** The latest output of each node (what `nodes.<id>.output` reads). */
  readonly outputs: Map<string, unknown>;
  readonly loops: Map<string, LoopState>;
  /** Completions applied (the next one gets seq + 1). */
  seq: number;
  /** Activations started in total (guards against runaway loops). */
  activations: number;
  /** The last node that finished, loops and the trigger aside when others ran. */
  lastNode?: string;
  response?: RunResponse;
}

/** A finished activation: the result left on `branch`. */
export interface Completion {
  nodeId: string;
  visit: number;
  branch: string;
  output: unknown;
  /** A loop's items, on the completion that sent its first item. */
  items?: unknown[];
  response?: RunResponse;
}

/** What the runner should do next. */
export type Action = { type: 'run'; nodeId: string } | { type: 'loop-next'; nodeId: string };

export function createState(graph: CompiledGraph): RunState {
  return {
    graph,
    edgeStatus: new Uint8Array(graph.edges.length),
    edgeValue: new Array<unknown>(graph.edges.length),
    status: new Map([...graph.nodes.keys()].map((id) => [id, 'idle' as NodeStatus])),
    visits: new Map(),
    outputs: new Map(),
    loops: new Map(),
    seq: 0,
    activations: 0,
  };
}

/** The first action of every run. */
export function initialCandidates(state: RunState): string[] {
  return [state.graph.triggerId];
}

/** Marks a node started; returns its visit number. */
export function startNode(state: RunState, nodeId: string, visit?: number): number {
  const next = visit ?? (state.visits.get(nodeId) ?? 0) + 1;
  state.visits.set(nodeId, Math.max(next, state.visits.get(nodeId) ?? 0));
  state.status.set(nodeId, 'started');
  state.activations++;
  return next;
}

/** Values arriving at a node, in edge order. */
export function inputsOf(state: RunState, nodeId: string): { source: string; value: unknown }[] {
  const out: { source: string; value: unknown }[] = [];
  for (const edge of state.graph.incoming.get(nodeId) ?? []) {
    if (state.edgeStatus[edge.index] === ACTIVE) out.push({ source: edge.source, value: state.edgeValue[edge.index] });
  }
  return out;
}

function setEdges(state: RunState, nodeId: string, branch: string | undefined, value: unknown, candidates: string[]): void {
  for (const edge of state.graph.outgoing.get(nodeId) ?? []) {
    if (branch !== undefined && edge.output === branch) {
      state.edgeStatus[edge.index] = ACTIVE;
      state.edgeValue[edge.index] = value;
    } else {
      state.edgeStatus[edge.index] = SKIPPED;
      state.edgeValue[edge.index] = undefined;
    }
    candidates.push(edge.target);
  }
}

function resolved(state: RunState, nodeId: string, candidates: string[]): void {
  const loop = state.graph.enclosingLoop.get(nodeId);
  if (loop) candidates.push(loop);
}

/** Applies a finished activation. Returns the nodes whose readiness may have changed. */
export function applyCompletion(state: RunState, completion: Completion): string[] {
  const { graph } = state;
  const node = graph.nodes.get(completion.nodeId);
  const candidates: string[] = [];
  if (!node) return candidates;
  state.seq++;
  state.visits.set(completion.nodeId, Math.max(completion.visit, state.visits.get(completion.nodeId) ?? 0));
  if (completion.response && !state.response) state.response = completion.response;

  if (node.type === LOOP_TYPE) {
    applyLoop(state, completion, candidates);
    resolvedIfDone(state, completion.nodeId, candidates);
    return candidates;
  }
  state.status.set(completion.nodeId, 'done');
  state.outputs.set(completion.nodeId, completion.output);
  if (node.type !== TRIGGER_TYPE || state.lastNode === undefined) state.lastNode = completion.nodeId;
  setEdges(state, completion.nodeId, completion.branch, completion.output, candidates);
  resolved(state, completion.nodeId, candidates);
  return candidates;
}

function resolvedIfDone(state: RunState, nodeId: string, candidates: string[]): void {
  if (state.status.get(nodeId) === 'done') resolved(state, nodeId, candidates);
}

function applyLoop(state: RunState, completion: Completion, candidates: string[]): void {
  const loopId = completion.nodeId;
  const { graph } = state;
  let loop = state.loops.get(loopId);
  if (completion.items !== undefined || !loop) {
    loop = { items: completion.items ?? [], index: -1, results: [] };
    state.loops.set(loopId, loop);
  } else {
    collectIteration(state, loopId, loop);
  }
  if (completion.branch === 'item') {
    resetBody(state, loopId);
    loop.index++;
    state.status.set(loopId, 'looping');
    state.outputs.set(loopId, completion.output);
    for (const edge of graph.outgoing.get(loopId) ?? []) {
      if (edge.output !== 'item') continue;
      state.edgeStatus[edge.index] = ACTIVE;
      state.edgeValue[edge.index] = completion.output;
      candidates.push(edge.target);
    }
    return;
  }
  // done: the collected values leave on the done edges. Body nodes no item reached count as
  // skipped, so that an enclosing loop sees its own body as resolved.
  for (const id of graph.loopBodies.get(loopId) ?? []) if (state.status.get(id) === 'idle') state.status.set(id, 'skipped');
  state.status.set(loopId, 'done');
  state.outputs.set(loopId, completion.output);
  state.lastNode = loopId;
  for (const edge of graph.outgoing.get(loopId) ?? []) {
    if (edge.output === 'item') continue;
    if (edge.output === 'done') {
      state.edgeStatus[edge.index] = ACTIVE;
      state.edgeValue[edge.index] = completion.output;
    } else {
      state.edgeStatus[edge.index] = SKIPPED;
    }
    candidates.push(edge.target);
  }
}

/** The values that came back on the back edges during the iteration that just ended. */
function collectIteration(state: RunState, loopId: string, loop: LoopState): void {
  if (loop.index < 0) return;
  for (const edge of state.graph.backEdges.get(loopId) ?? []) {
    if (state.edgeStatus[edge.index] === ACTIVE) {
      loop.results.push(state.edgeValue[edge.index]);
      return;
    }
  }
}

/** The edges a loop's iteration resets, per compiled graph: found once, not per item. */
const bodyEdgeCache = new WeakMap<CompiledGraph, Map<string, number[]>>();

function bodyEdges(graph: CompiledGraph, loopId: string, body: ReadonlySet<string>): number[] {
  let perLoop = bodyEdgeCache.get(graph);
  if (!perLoop) bodyEdgeCache.set(graph, (perLoop = new Map()));
  let indexes = perLoop.get(loopId);
  if (!indexes) {
    indexes = graph.edges.filter((edge) => body.has(edge.source) || (edge.source === loopId && edge.output === 'item')).map((edge) => edge.index);
    perLoop.set(loopId, indexes);
  }
  return indexes;
}

function resetBody(state: RunState, loopId: string): void {
  const body = state.graph.loopBodies.get(loopId);
  if (!body) return;
  for (const id of body) {
    state.status.set(id, 'idle');
    state.loops.delete(id);
  }
  for (const index of bodyEdges(state.graph, loopId, body)) {
    state.edgeStatus[index] = PENDING;
    state.edgeValue[index] = undefined;
  }
}

/** What a loop sends next: the next item, or its collected results on `done`. */
export function nextLoopEmission(state: RunState, loopId: string): { branch: 'item' | 'done'; output: unknown } {
  const loop = state.loops.get(loopId);
  if (!loop) return { branch: 'done', output: [] };
  const next = loop.index + 1;
  if (next < loop.items.length) return { branch: 'item', output: loop.items[next] };
  // Copied once, when the loop ends: copying on every item made a loop O(n²).
  const results = loop.results.slice();
  if (loop.index >= 0) {
    for (const edge of state.graph.backEdges.get(loopId) ?? []) {
      if (state.edgeStatus[edge.index] === ACTIVE) {
        results.push(state.edgeValue[edge.index]);
        break;
      }
    }
  }
  return { branch: 'done', output: results };
}

function bodyResolved(state: RunState, loopId: string): boolean {
  const body = state.graph.loopBodies.get(loopId);
  if (!body) return true;
  for (const id of body) {
    const status = state.status.get(id);
    if (status !== 'done' && status !== 'skipped') {
      // A body node that nothing reached in this iteration (idle, no delivered input) counts as resolved
      // only once all its inputs are resolved — which the skip propagation takes care of.
      return false;
    }
  }
  return true;
}

/**
 * Propagates skips and finds what can run now, starting from `candidates`. Skips are applied
 * here (they are deterministic and never persisted); runs and loop emissions are returned.
 */
export function settle(state: RunState, candidates: string[]): Action[] {
  const actions: Action[] = [];
  const queued = new Set<string>();
  const todo = [...candidates];
  while (todo.length > 0) {
    const id = todo.pop() as string;
    const node = state.graph.nodes.get(id);
    if (!node) continue;
    const status = state.status.get(id);
    if (status === 'looping') {
      if (!queued.has(id) && bodyResolved(state, id)) {
        queued.add(id);
        actions.push({ type: 'loop-next', nodeId: id });
      }
      continue;
    }
    if (status !== 'idle' || queued.has(id)) continue;
    if (node.type === TRIGGER_TYPE) {
      if (!state.visits.has(id)) {
        queued.add(id);
        actions.push({ type: 'run', nodeId: id });
      }
      continue;
    }
    const incoming = state.graph.incoming.get(id) ?? [];
    if (incoming.length === 0) continue;
    let pending = false;
    let active = false;
    for (const edge of incoming) {
      const edgeStatus = state.edgeStatus[edge.index];
      if (edgeStatus === PENDING) pending = true;
      else if (edgeStatus === ACTIVE) active = true;
    }
    if (pending) continue;
    if (active) {
      queued.add(id);
      actions.push({ type: 'run', nodeId: id });
      continue;
    }
    state.status.set(id, 'skipped');
    const next: string[] = [];
    setEdges(state, id, undefined, undefined, next);
    resolved(state, id, next);
    todo.push(...next);
  }
  return actions.reverse();
}

/** Whether anything is left that could still run (used to detect the end of a run). */
export function hasStarted(state: RunState): boolean {
  for (const status of state.status.values()) if (status === 'started') return true;
  return false;
}
