/**
 * Limits on workflow definitions and runs. A definition over these limits is rejected when it is
 * saved; a run that crosses a run-time limit fails the node concerned with a clear error.
 */
export const WORKFLOW_LIMITS = {
  /** Serialized size of one workflow definition (UTF-8 JSON). */
  maxDefinitionBytes: 1024 * 1024,
  maxNodes: 1000,
  maxEdges: 5000,
  /** Length of one string in a node's config (a prompt, a code body, a template). */
  maxConfigStringLength: 256 * 1024,
  /** Nesting depth of a node's config. */
  maxConfigDepth: 32,
  /** Serialized size of one node output; a larger output fails the node with OUTPUT_TOO_LARGE. */
  maxOutputBytes: 8 * 1024 * 1024,
  /** Serialized size of the trigger data of one run (a webhook body, a manual run's body). */
  maxTriggerBytes: 8 * 1024 * 1024,
  /** How deep workflow-call nodes may nest (a workflow calling itself stops here). */
  maxCallDepth: 16,
  /** How many activations one run may execute before it fails (a guard against runaway loops). */
  maxStepsPerRun: 100_000,
  /** How many items one loop node may iterate over (LOOP_TOO_LARGE beyond); the hub can lower or raise both. */
  maxLoopItems: 50_000,
} as const;
