/**
 * @runtime-hub/engine — the workflow engine's pure core: definitions are validated and compiled,
 * runs are driven by a state machine, and all I/O (store, clock, ids, HTTP, shell, sandbox, LLM,
 * spans, secrets) goes through the ports in `ports.ts`. Node implementations of the I/O ports
 * are in `@runtime-hub/engine/node`; the store conformance suite in `@runtime-hub/engine/testing`.
 */
export { ManualClock, settle } from './clock.js';
export { cronProblem, firesBetween, nextFireAfter, nextFires } from './cron/cron.js';
export { CronScheduler } from './cron/scheduler.js';
export type { CronFire, ScheduleStatus, ScheduledWorkflow } from './cron/scheduler.js';
export { NodeFailure, errnoOf, permanent, toFailure } from './errors.js';
export { ExpressionError, FILTER_NAMES, TemplateError, evaluate, parseExpression, renderDeep, renderTemplate } from './expr/index.js';
export { EXPRESSION_ROOTS, LOOP_TYPE, TRIGGER_TYPE, compileGraph, descendants, endpointKey, validateWorkflow } from './graph/index.js';
export type { CompiledGraph, IssueCode, ProjectContext, ValidationIssue, ValidationResult } from './graph/index.js';
export { sequentialIds } from './ids.js';
export { BUILTIN_NODE_TYPES, TRIGGER_TYPES, createRegistry, describeNodeTypes, parseDuration } from './nodes/index.js';
export type { CallRequest, CallResult, NodeRegistry, NodeResult, NodeRunContext, NodeServices, NodeType } from './nodes/index.js';
export type * from './ports.js';
export { backoffDelay, effectivePolicy, isRetryable } from './retry/policy.js';
export { Engine, EngineError } from './run/engine.js';
export type { EngineOptions, RerunOptions, StartRunRequest } from './run/engine.js';
export { DEFAULT_RUN_LIMITS, runLimits } from './run/limits.js';
export type { RunLimits } from './run/limits.js';
export { Redactor } from './run/redact.js';
export { MAX_PINNED_BYTES, secretsInPins, usesPins } from './run/pins.js';
export { MemoryRunStore } from './store/memory-store.js';
export { MemoryWorkflowSource } from './store/memory-workflows.js';
export { compareSteps, decodeRunCursor, encodeRunCursor, stepKey } from './store/keys.js';
