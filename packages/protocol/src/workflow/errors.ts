/**
 * Error codes of the workflow pillar, with the HTTP status the hub answers when one ends a
 * request. They are part of the one registry, `ERROR_CODES` (../errors.ts); this subset types what
 * the engine may report. Engine failures inside a run carry these codes too (see {@link Failure}); clients
 * switch on the code, never on the message.
 */
export const WORKFLOW_ERROR_CODES = {
  PROJECT_NOT_FOUND: { status: 404, summary: 'no project with this id' },
  PROJECT_EXISTS: { status: 409, summary: 'a project with this id already exists' },
  WORKFLOW_NOT_FOUND: { status: 404, summary: 'no workflow with this id in the project' },
  WORKFLOW_EXISTS: { status: 409, summary: 'a workflow with this id already exists' },
  WORKFLOW_INVALID: { status: 400, summary: 'the workflow definition is invalid' },
  PROJECT_INVALID: { status: 400, summary: 'the project definition is invalid' },
  VERSION_CONFLICT: { status: 409, summary: 'the workflow was changed since the version you sent' },
  VERSION_NOT_FOUND: { status: 404, summary: 'the workflow has no such saved version' },
  DEFINITION_TOO_LARGE: { status: 413, summary: 'the definition exceeds the size limit' },
  ENDPOINT_UNAUTHORIZED: { status: 401, summary: 'the endpoint requires a credential this request does not carry' },
  ENDPOINT_NOT_FOUND: { status: 404, summary: 'no public workflow answers at this path' },
  RUN_NOT_FOUND: { status: 404, summary: 'no run with this id' },
  RUN_NOT_FINISHED: { status: 409, summary: 'the run has not finished' },
  RUN_FINISHED: { status: 409, summary: 'the run has already finished' },
  RUN_FAILED: { status: 500, summary: 'the workflow run failed' },
  ENV_NOT_FOUND: { status: 404, summary: 'no environment variable with this name' },
  SECRET_NOT_FOUND: { status: 404, summary: 'no secret with this name' },
  SCHEDULE_NOT_FOUND: { status: 404, summary: 'the workflow has no cron trigger' },
  TEMPLATE_NOT_FOUND: { status: 404, summary: 'no workflow template with this id' },
  TEMPLATE_NEEDS: { status: 400, summary: 'the template needs secrets, env values or settings the request does not give' },
  ASSIST_NOT_CONFIGURED: { status: 409, summary: 'no LLM provider is set up for AI-assisted building' },
  ASSIST_FAILED: { status: 502, summary: 'the LLM provider failed or answered something unusable' },
  INVALID_NAME: { status: 400, summary: 'the name is not valid' },
  INVALID_RERUN: { status: 400, summary: 'the run cannot be re-run this way' },
  TRIGGER_TOO_LARGE: { status: 413, summary: 'the trigger data exceeds the size limit' },
  ENGINE_STOPPED: { status: 503, summary: 'the workflow engine is stopping' },

  // Failures inside a run (on a step or a run; never an HTTP status of their own).
  EXPRESSION_ERROR: { status: 400, summary: 'an expression could not be evaluated' },
  CONFIG_INVALID: { status: 400, summary: 'a node config value is invalid' },
  NODE_TIMEOUT: { status: 504, summary: 'a node attempt ran out of time' },
  RUN_TIMEOUT: { status: 504, summary: 'the run ran out of time' },
  CANCELLED: { status: 409, summary: 'the run was cancelled' },
  NODE_NOT_ALLOWED: { status: 403, summary: 'the project does not allow this node type' },
  HTTP_STATUS: { status: 502, summary: 'an HTTP request answered with an error status' },
  HTTP_ERROR: { status: 502, summary: 'an HTTP request failed' },
  RESPONSE_TOO_LARGE: { status: 502, summary: 'a response exceeded the size limit' },
  OUTPUT_TOO_LARGE: { status: 500, summary: 'a node output exceeded the size limit' },
  CODE_ERROR: { status: 500, summary: 'the code threw an error' },
  CODE_TIMEOUT: { status: 500, summary: 'the code ran longer than its time limit' },
  CODE_MEMORY: { status: 500, summary: 'the code exceeded its memory limit' },
  SHELL_EXIT: { status: 500, summary: 'the command exited with a non-zero status' },
  LLM_ERROR: { status: 502, summary: 'the LLM call failed' },
  EMAIL_AUTH: { status: 502, summary: 'the SMTP server refused the login' },
  EMAIL_REJECTED: { status: 502, summary: 'the SMTP server refused or deferred the message' },
  CALL_FAILED: { status: 500, summary: 'the called workflow failed' },
  CALL_DEPTH_EXCEEDED: { status: 500, summary: 'workflow calls nested too deeply' },
  LOOP_INPUT: { status: 500, summary: 'a loop needs an array of items' },
  LOOP_TOO_LARGE: { status: 500, summary: 'a loop was given more items than a run may iterate over' },
  STEP_LIMIT: { status: 500, summary: 'the run executed too many steps' },
  NODE_FAILED: { status: 500, summary: 'a node failed' },
  INTERNAL: { status: 500, summary: 'internal error' },
} as const;

export type WorkflowErrorCode = keyof typeof WORKFLOW_ERROR_CODES;

export function isWorkflowErrorCode(value: unknown): value is WorkflowErrorCode {
  return typeof value === 'string' && Object.hasOwn(WORKFLOW_ERROR_CODES, value);
}
