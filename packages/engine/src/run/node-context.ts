import type { Attributes, NodeDefinition, ProjectDefinition, RunRecord, StepRecord } from '@runtime-hub/protocol';
import type { CallRequest, CallResult, NodeRunContext, NodeServices } from '../nodes/types.js';
import type { Clock } from '../ports.js';

/** The signal of inline nodes: they finish before anything could abort them. */
const NEVER_ABORTED = new AbortController().signal;

/** What a node sees when it runs: its resolved config, its input and the services it may use. */
export function nodeContext(options: {
  node: NodeDefinition;
  step: StepRecord;
  run: RunRecord;
  project: ProjectDefinition;
  config: Record<string, unknown>;
  input: unknown;
  inputs: { source: string; value: unknown }[];
  signal?: AbortSignal;
  clock: Clock;
  services: Omit<NodeServices, 'callWorkflow'>;
  callWorkflow: (request: CallRequest) => Promise<CallResult>;
  globals: () => Record<string, unknown>;
  setAttributes: (attributes: Attributes) => void;
}): NodeRunContext {
  const { run } = options;
  return {
    node: options.node,
    config: options.config,
    input: options.input,
    inputs: options.inputs,
    trigger: run.trigger,
    run: { id: run.id, project: run.project, workflow: run.workflow, depth: run.depth },
    project: options.project,
    attempt: options.step.attempt,
    signal: options.signal ?? NEVER_ABORTED,
    now: () => options.clock.now(),
    services: { ...options.services, callWorkflow: options.callWorkflow },
    globals: options.globals,
    setAttributes: options.setAttributes,
  };
}
