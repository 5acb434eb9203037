import type { NodeDefinition, ProjectDefinition, RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { permanent } from '../errors.js';
import type { CompiledGraph } from '../graph/compile.js';
import { LOOP_TYPE, TRIGGER_TYPE } from '../graph/compile.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { CallRequest, CallResult, NodeResult, NodeRunContext, NodeServices, NodeType } from '../nodes/types.js';
import type { Clock, IdSource } from '../ports.js';
import type { RunLimits } from './limits.js';
import type { SecretTaint } from '../expr/index.js';
import { nodeContext } from './node-context.js';
import { pinnedOutput } from './pins.js';
import { withInputOverride } from './rerun.js';
import { buildScope, codeGlobals, resolveConfig } from './scope.js';
import type { ScopeSource } from './scope.js';
import { inputsOf, nextLoopEmission, startNode } from './state.js';
import type { RunState } from './state.js';

/** What starting one activation amounts to; the driver records and applies it. */
export type Activation =
  | { kind: 'complete'; step: StepRecord; result: NodeResult }
  | { kind: 'fail'; step: StepRecord; error: unknown }
  | { kind: 'wait'; step: StepRecord }
  | { kind: 'start'; step: StepRecord }
  | { kind: 'limit' };

type Inputs = { source: string; value: unknown }[];

/**
 * Starts activations of one run: builds the step, resolves the node's config against the run's
 * state, and runs inline nodes (trigger, set, condition, loop emissions…) on the spot. Nodes with
 * I/O come back as `start` for the driver to execute once the wave is committed.
 */
export class Activator {
  constructor(
    private readonly r: {
      clock: Clock;
      ids: IdSource;
      registry: NodeRegistry;
      limits: RunLimits;
      services: Omit<NodeServices, 'callWorkflow'>;
      secrets: () => Record<string, string>;
      /** Hears of every value an expression derived from a secret (so it is masked from then on). */
      taint: SecretTaint;
      /** Masks secrets and values derived from them. */
      redact: <T>(value: T) => T;
      callWorkflow: (step: StepRecord, request: CallRequest) => Promise<CallResult>;
      run: RunRecord;
      definition: WorkflowDefinition;
      graph: CompiledGraph;
      project: ProjectDefinition;
      state: RunState;
    },
  ) {}

  newStep(node: NodeDefinition, visit: number, attempt: number, input: unknown): StepRecord {
    const step: StepRecord = {
      runId: this.r.run.id,
      nodeId: node.id,
      nodeType: node.type,
      visit,
      attempt,
      status: 'running',
      startedAt: this.r.clock.now(),
      spanId: this.r.ids.spanId(),
    };
    if (input !== undefined) step.input = input;
    if (node.type === 'workflow') step.childRunId = this.r.ids.runId();
    return step;
  }

  activate(nodeId: string): Activation {
    const { state, graph, registry } = this.r;
    const node = graph.nodes.get(nodeId) as NodeDefinition;
    if (state.activations >= this.r.limits.maxActivationsPerRun) {
      state.status.set(nodeId, 'done');
      return { kind: 'limit' };
    }
    const visit = startNode(state, nodeId);
    const inputs = this.inputsFor(nodeId, visit);
    const input = node.type === TRIGGER_TYPE ? undefined : inputs[0]?.value;
    const step = this.newStep(node, visit, 1, input);
    const type = registry.get(node.type);
    if (node.type === LOOP_TYPE) return this.loopStart(node, step, input, inputs);
    if (node.disabled || !type) return { kind: 'complete', step, result: { output: node.type === TRIGGER_TYPE ? this.r.run.trigger : input } };
    const pin = pinnedOutput(this.r.run, this.r.definition, nodeId, node.type);
    if (pin) {
      step.pinned = true;
      return { kind: 'complete', step, result: { output: pin.output } };
    }
    if (!type.inline) return { kind: 'start', step };
    try {
      const config = this.resolve(node, type, input, inputs);
      const result = type.run(this.context(node, step, config, input, inputs));
      if (result instanceof Promise) throw permanent('INTERNAL', `inline node type "${node.type}" returned a promise`);
      if (result.waitUntil === undefined) return { kind: 'complete', step, result };
      step.status = 'waiting';
      step.dueAt = result.waitUntil;
      return { kind: 'wait', step };
    } catch (error) {
      return { kind: 'fail', step, error };
    }
  }

  /** The node's inputs, the first replaced by a re-run's edited input on that node's first visit. */
  inputsFor(nodeId: string, visit: number): Inputs {
    return withInputOverride(this.r.run, nodeId, visit, inputsOf(this.r.state, nodeId));
  }

  private loopStart(node: NodeDefinition, step: StepRecord, input: unknown, inputs: Inputs): Activation {
    let items: unknown;
    try {
      items = this.resolve(node, this.r.registry.get(LOOP_TYPE) as NodeType, input, inputs).items;
    } catch (error) {
      return { kind: 'fail', step, error };
    }
    if (!Array.isArray(items)) {
      return { kind: 'fail', step, error: permanent('LOOP_INPUT', `node "${node.id}": items must be a list, not ${items === null ? 'null' : typeof items}`, 'items') };
    }
    if (items.length > this.r.limits.maxLoopItems) {
      return {
        kind: 'fail',
        step,
        error: permanent('LOOP_TOO_LARGE', `node "${node.id}": ${items.length} items; a loop may iterate over at most ${this.r.limits.maxLoopItems}`, 'items', {
          items: items.length,
          limit: this.r.limits.maxLoopItems,
        }),
      };
    }
    // Items built from secrets are masked before they are stored or sent into the body.
    step.items = this.r.redact(items);
    return { kind: 'complete', step, result: { output: items.length > 0 ? step.items[0] : [], branch: items.length > 0 ? 'item' : 'done' } };
  }

  /** The next item of a loop whose iteration ended, or its collected results. */
  loopNext(loopId: string): Activation {
    const node = this.r.graph.nodes.get(loopId) as NodeDefinition;
    const emission = nextLoopEmission(this.r.state, loopId);
    const step = this.newStep(node, startNode(this.r.state, loopId), 1, undefined);
    return { kind: 'complete', step, result: { output: emission.output, branch: emission.branch } };
  }

  resolve(node: NodeDefinition, type: NodeType, input: unknown, inputs: Inputs): Record<string, unknown> {
    return resolveConfig(node, type.info.fields, buildScope(this.scopeSource(node.id, input, inputs)), this.r.taint);
  }

  private scopeSource(nodeId: string, input: unknown, inputs: Inputs): ScopeSource {
    const { state, run, definition, project } = this.r;
    return { state, run, definition, project, secrets: this.r.secrets, now: this.r.clock.now(), nodeId, input, inputs };
  }

  context(
    node: NodeDefinition,
    step: StepRecord,
    config: Record<string, unknown>,
    input: unknown,
    inputs: Inputs,
    onAttributes?: NodeRunContext['setAttributes'],
    signal?: AbortSignal,
  ): NodeRunContext {
    return nodeContext({
      node,
      step,
      run: this.r.run,
      project: this.r.project,
      config,
      input,
      inputs,
      signal,
      clock: this.r.clock,
      services: this.r.services,
      callWorkflow: (request) => this.r.callWorkflow(step, request),
      globals: () => codeGlobals(this.scopeSource(node.id, input, inputs)),
      setAttributes: onAttributes ?? (() => undefined),
    });
  }
}
