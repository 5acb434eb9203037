export { canonicalize, canonicalJson } from './canonical.js';
export {
  CronTrigger,
  EdgeDefinition,
  Endpoint,
  EndpointAuth,
  ENDPOINT_PATH_PATTERN,
  HTTP_METHODS,
  HttpMethod,
  MISSED_RUN_POLICIES,
  NodeDefinition,
  ON_ERROR,
  STICKY_COLORS,
  StickyNote,
  Trigger,
  VISIBILITIES,
  WorkflowDefinition,
  WorkflowSettings,
} from './definition.js';
export type { NodeDefinitionInput, WorkflowDefinitionInput } from './definition.js';
export { WORKFLOW_ERROR_CODES, isWorkflowErrorCode } from './errors.js';
export type { WorkflowErrorCode } from './errors.js';
export { NODE_ID_PATTERN, NodeId, SLUG_PATTERN, Slug, VAR_NAME_PATTERN, VarName } from './ids.js';
export { WORKFLOW_LIMITS } from './limits.js';
export { FIELD_TYPES, NODE_CATEGORIES } from './node-type.js';
export type { FieldOption, FieldSpec, FieldType, NodeCategory, NodeTypeInfo, TriggerTypeInfo } from './node-type.js';
export { ProjectDefinition, ProjectSettings } from './project.js';
export type { ProjectDefinitionInput } from './project.js';
export { DEFAULT_RETRY_ERRORS, DEFAULT_RETRY_POLICY, DEFAULT_RETRY_STATUSES, RetryPolicy, RetryPolicyPatch } from './retry.js';
export { FINISHED_RUN_STATUSES, RUN_STATUSES, STEP_STATUSES } from './run.js';
export type { Failure, RunRecord, RunResponse, RunStatus, StepRecord, StepStatus, TriggerData } from './run.js';
