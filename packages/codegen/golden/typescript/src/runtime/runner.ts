import { randomUUID } from 'node:crypto';
import { NodeFailure, isNonRetryable, permanent, toFailure } from '../engine/errors.js';
import { TemplateError, renderDeep, strict } from '../engine/expr/index.js';
import { LOOP_TYPE, TRIGGER_TYPE, compileGraph } from '../engine/graph/compile.js';
import { coerceFields, withDefaults } from '../engine/nodes/fields.js';
import { applyCompletion, createState, inputsOf, nextLoopEmission, settle, startNode } from '../engine/run/state.js';
import type { ProjectApp } from './app.js';
import { NODE_TYPES } from './nodes.js';
import type { NodeContext } from './nodes.js';
import { backoffDelay, effectivePolicy, isRetryable } from './retry.js';
import type { Failure, NodeDef, NodeResult, RunResponse, RunResult, WorkflowDef } from './types.js';

/**
 * Runs one workflow the way the hub's engine does, with the engine's own state machine
 * (engine/run/state.js): inline nodes at once, nodes with I/O concurrently, retries with backoff
 * and jitter, time limits per node and per run, error outputs, waits, loops and merges. Runs live
 * in memory: a restart loses runs in flight (the hub's runs are durable).
 */

export const MAX_LOOP_ITEMS = 50_000;
export const MAX_ACTIVATIONS = 100_000;
export const MAX_CALL_DEPTH = 16;

type Inputs = { source: string; value: unknown }[];
type Action = { type: 'run' | 'loop-next'; nodeId: string };
interface Task {
  node: NodeDef;
  attempt: number;
  input: unknown;
  inputs: Inputs;
}

/** The parts of the engine's RunState (engine/run/state.js) the runner reads. */
interface RunState {
  status: Map<string, string>;
  visits: Map<string, number>;
  outputs: Map<string, unknown>;
  loops: Map<string, { items: unknown[]; index: number; results: unknown[] }>;
  activations: number;
  lastNode?: string;
  response?: RunResponse;
}

const graphs = new WeakMap<WorkflowDef, ReturnType<typeof compileGraph>>();

function graphOf(definition: WorkflowDef): ReturnType<typeof compileGraph> {
  let graph = graphs.get(definition);
  if (!graph) graphs.set(definition, (graph = compileGraph(definition)));
  return graph;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class Run {
  readonly id = randomUUID().replace(/-/g, '');
  readonly startedAt = Date.now();
  private readonly graph: ReturnType<typeof compileGraph>;
  private readonly state: RunState;
  private readonly settings: WorkflowDef['settings'];
  private readonly pending = new Map<number, Promise<{ key: number; task: Task; result?: NodeResult; error?: unknown }>>();
  private nextKey = 0;
  private failure: Failure | undefined;
  private responded = false;

  constructor(
    readonly app: ProjectApp,
    readonly definition: WorkflowDef,
    readonly trigger: Record<string, unknown>,
    readonly depth = 0,
    readonly parentRunId: string | null = null,
    private readonly onResponse?: (response: RunResponse) => void,
  ) {
    this.graph = graphOf(definition);
    this.state = createState(this.graph) as unknown as RunState;
    this.settings = definition.settings ?? {};
  }

  async execute(): Promise<RunResult> {
    const limit = this.settings.timeoutMs;
    if (!limit) return this.loop();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<RunResult>((resolve) => {
      timer = setTimeout(() => {
        this.failure ??= { code: 'RUN_TIMEOUT', message: `the run took longer than its ${limit} ms limit`, retryable: false };
        resolve({ runId: this.id, status: 'failed', error: this.failure, response: this.state.response });
      }, limit);
    });
    try {
      return await Promise.race([this.loop(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(): Promise<RunResult> {
    const work = settle(this.state, [this.graph.triggerId]) as Action[];
    for (;;) {
      while (work.length > 0 && !this.failure) {
        const action = work.shift() as Action;
        const next = action.type === 'loop-next' ? this.loopNext(action.nodeId) : this.activate(action.nodeId);
        if (next) work.push(...(settle(this.state, next) as Action[]));
      }
      if (this.failure) {
        this.pending.clear();
        return { runId: this.id, status: 'failed', error: this.failure, response: this.state.response };
      }
      if (this.pending.size === 0) {
        const last = this.settings.outputNode ?? this.state.lastNode;
        const output = last === undefined ? null : this.state.outputs.get(last);
        return { runId: this.id, status: 'succeeded', output: output === undefined ? null : output, response: this.state.response };
      }
      const done = await Promise.race(this.pending.values());
      this.pending.delete(done.key);
      const next = this.settled(done.task, done.result, done.error);
      if (next) work.push(...(settle(this.state, next) as Action[]));
    }
  }

  private scope(nodeId: string, input: unknown, inputs: Inputs): Record<string, unknown> {
    const { state, graph, app } = this;
    const scope: Record<string, unknown> = {
      input,
      inputs,
      trigger: this.trigger,
      env: app.env(),
      run: { id: this.id, startedAt: this.startedAt, depth: this.depth, parentRunId: this.parentRunId },
      workflow: { id: this.definition.id, name: this.definition.name, version: this.definition.version },
      project: { id: app.project.id, name: app.project.name },
      now: Date.now(),
    };
    Object.defineProperty(scope, 'nodes', {
      enumerable: true,
      get: () => {
        const view: Record<string, unknown> = {};
        for (const id of graph.nodes.keys()) view[id] = { output: state.outputs.get(id), status: state.status.get(id) ?? 'idle' };
        return strict(view, (key: string) => `no node "${key}" in this workflow`);
      },
    });
    Object.defineProperty(scope, 'secrets', {
      enumerable: true,
      get: () => strict({ ...app.secrets() }, (key: string) => `no secret named "${key}" in project "${app.project.id}"`),
    });
    Object.defineProperty(scope, 'loop', {
      enumerable: true,
      get: () => {
        const loopId = graph.enclosingLoop.get(nodeId);
        const loop = loopId ? state.loops.get(loopId) : undefined;
        if (!loopId || !loop) return undefined;
        return { id: loopId, index: loop.index, item: loop.items[loop.index], total: loop.items.length, results: loop.results };
      },
    });
    return scope;
  }

  private resolve(node: NodeDef, input: unknown, inputs: Inputs): Record<string, unknown> {
    const fields = (this.app.nodeFields[node.type] ?? []) as Parameters<typeof withDefaults>[0];
    const raw = withDefaults(fields, node.config ?? {});
    const literal = new Set(fields.filter((f: { expressions?: boolean }) => f.expressions === false).map((f: { name: string }) => f.name));
    const scope = this.scope(node.id, input, inputs);
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (literal.has(key)) {
        resolved[key] = value;
        continue;
      }
      try {
        resolved[key] = renderDeep(value, scope, key);
      } catch (error) {
        if (error instanceof TemplateError) {
          const expression = error.expression ? ` in {{ ${error.expression} }}` : '';
          throw permanent('EXPRESSION_ERROR', `node "${node.id}", field "${error.path}": ${error.reason}${expression}`, key, { path: error.path, expression: error.expression });
        }
        throw error;
      }
    }
    return coerceFields(fields, resolved);
  }

  private context(node: NodeDef, config: Record<string, unknown>, input: unknown, inputs: Inputs): NodeContext {
    const globals = () => {
      const nodes: Record<string, { output: unknown }> = {};
      for (const [id, output] of this.state.outputs) nodes[id] = { output };
      const loopId = this.graph.enclosingLoop.get(node.id);
      const loop = loopId ? this.state.loops.get(loopId) : undefined;
      const run = { id: this.id, project: this.app.project.id, workflow: this.definition.id, version: this.definition.version };
      const loopView = loop ? { id: loopId, index: loop.index, item: loop.items[loop.index], total: loop.items.length } : null;
      return { input: input ?? null, inputs, nodes, trigger: this.trigger, env: this.app.env(), run, loop: loopView };
    };
    return { run: this, node, config, input, inputs, app: this.app, trigger: this.trigger, now: () => Date.now(), globals };
  }

  private activate(nodeId: string): string[] | undefined {
    const { state } = this;
    const node = this.graph.nodes.get(nodeId) as NodeDef;
    if (state.activations >= MAX_ACTIVATIONS) {
      this.failure = { code: 'STEP_LIMIT', message: `the run started ${MAX_ACTIVATIONS} activations, the most one run may; is a loop running away?`, retryable: false };
      return undefined;
    }
    startNode(state, nodeId);
    const inputs: Inputs = inputsOf(state, nodeId);
    const input = node.type === TRIGGER_TYPE ? undefined : inputs[0]?.value;
    if (node.type === LOOP_TYPE) return this.loopStart(node, input, inputs);
    const type = NODE_TYPES[node.type];
    if (node.disabled || !type) return this.complete(nodeId, { output: node.type === TRIGGER_TYPE ? this.trigger : input });
    const task: Task = { node, attempt: 1, input, inputs };
    if (!type.inline) {
      this.spawn(task, this.attempt(task));
      return undefined;
    }
    let result: NodeResult;
    try {
      result = type.run(this.context(node, this.resolve(node, input, inputs), input, inputs)) as NodeResult;
    } catch (error) {
      return this.fail(nodeId, error);
    }
    if (result.waitUntil !== undefined) {
      const due = result.waitUntil;
      this.spawn(task, sleep(due - Date.now()).then(() => ({ output: result.output })));
      return undefined;
    }
    return this.complete(nodeId, result);
  }

  private loopStart(node: NodeDef, input: unknown, inputs: Inputs): string[] | undefined {
    let items: unknown;
    try {
      items = this.resolve(node, input, inputs).items;
    } catch (error) {
      return this.fail(node.id, error);
    }
    if (!Array.isArray(items)) {
      return this.fail(node.id, permanent('LOOP_INPUT', `node "${node.id}": items must be a list, not ${items === null ? 'null' : typeof items}`, 'items'));
    }
    if (items.length > MAX_LOOP_ITEMS) {
      const message = `node "${node.id}": ${items.length} items; a loop may iterate over at most ${MAX_LOOP_ITEMS}`;
      return this.fail(node.id, permanent('LOOP_TOO_LARGE', message, 'items', { items: items.length, limit: MAX_LOOP_ITEMS }));
    }
    const masked = this.app.mask(items);
    return this.complete(node.id, { output: masked.length > 0 ? masked[0] : [], branch: masked.length > 0 ? 'item' : 'done' }, masked);
  }

  private loopNext(loopId: string): string[] | undefined {
    const emission = nextLoopEmission(this.state, loopId);
    startNode(this.state, loopId);
    return this.complete(loopId, { output: emission.output, branch: emission.branch });
  }

  private spawn(task: Task, run: Promise<NodeResult>): void {
    const key = this.nextKey++;
    this.pending.set(
      key,
      run.then(
        (result) => ({ key, task, result }),
        (error: unknown) => ({ key, task, error }),
      ),
    );
  }

  private async attempt(task: Task, delayMs = 0): Promise<NodeResult> {
    if (delayMs > 0) await sleep(delayMs);
    const { node } = task;
    const type = NODE_TYPES[node.type];
    if (!type) throw permanent('INTERNAL', `no node type "${node.type}"`);
    const limit = node.timeoutMs ?? this.settings.nodeTimeoutMs;
    const config = this.resolve(node, task.input, task.inputs);
    const call = Promise.resolve(type.run(this.context(node, config, task.input, task.inputs)));
    if (!limit) return call;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NodeFailure('NODE_TIMEOUT', `node "${node.id}" ran longer than ${limit} ms`)), limit);
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private settled(task: Task, result: NodeResult | undefined, error: unknown): string[] | undefined {
    const { node } = task;
    if (error === undefined && result) return this.complete(node.id, result);
    const failure: Failure = toFailure(error, node.id);
    const policy = effectivePolicy(node.retry, this.settings.retry);
    if (isRetryable(failure, isNonRetryable(error), policy) && task.attempt <= policy.maxRetries) {
      const retry = { ...task, attempt: task.attempt + 1 };
      this.spawn(retry, this.attempt(retry, backoffDelay(task.attempt, policy, Math.random())));
      return undefined;
    }
    return this.fail(node.id, error);
  }

  private complete(nodeId: string, result: NodeResult, items?: unknown[]): string[] {
    const masked = this.app.mask(result.output);
    const output = masked === undefined ? null : masked;
    let response = result.response;
    if (response) {
      response = this.app.mask(response);
      if (!this.responded) {
        this.responded = true;
        this.onResponse?.(response);
      }
    }
    const completion: Record<string, unknown> = { nodeId, visit: this.state.visits.get(nodeId) ?? 1, branch: result.branch ?? 'main', output };
    if (items !== undefined) completion.items = items;
    if (response) completion.response = response;
    return applyCompletion(this.state, completion);
  }

  private fail(nodeId: string, error: unknown): string[] | undefined {
    const node = this.graph.nodes.get(nodeId) as NodeDef;
    const failure: Failure = this.app.mask(toFailure(error, nodeId));
    if ((failure.code === 'CONFIG_INVALID' || failure.code === 'NODE_FAILED' || failure.code === 'CODE_ERROR') && !failure.message.startsWith('node "')) {
      failure.message = `node "${nodeId}": ${failure.message}`;
    }
    const onError = node.onError ?? 'fail';
    if (onError !== 'fail') {
      return applyCompletion(this.state, { nodeId, visit: this.state.visits.get(nodeId) ?? 1, branch: onError === 'output' ? 'error' : 'main', output: { error: failure } });
    }
    this.state.status.set(nodeId, 'done');
    this.failure ??= failure;
    return undefined;
  }

  /** A local workflow call: the called workflow runs in this process, as a function call. */
  async call(nodeId: string, workflowId: string, body: unknown): Promise<RunResult> {
    if (this.depth + 1 > MAX_CALL_DEPTH) throw permanent('CALL_DEPTH_EXCEEDED', `workflow calls nested deeper than ${MAX_CALL_DEPTH} levels`, 'workflow');
    const definition = this.app.workflows[workflowId];
    if (!definition) throw permanent('CONFIG_INVALID', `no workflow "${workflowId}" in project "${this.app.project.id}"`, 'workflow');
    const trigger = { type: 'call', body: body ?? null, callerRunId: this.id, callerNodeId: nodeId };
    return new Run(this.app, definition, trigger, this.depth + 1, this.id).execute();
  }
}
