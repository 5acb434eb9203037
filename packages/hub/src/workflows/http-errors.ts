import type { FastifyReply } from 'fastify';
import { WORKFLOW_ERROR_CODES, isWorkflowErrorCode } from '@runtime-hub/protocol';
import type { WorkflowErrorCode } from '@runtime-hub/protocol';
import { EngineError } from '@runtime-hub/engine';

/** An error of the workflow API: a code from the workflow registry and its HTTP status. */
export class WorkflowApiError extends Error {
  readonly code: WorkflowErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: WorkflowErrorCode, message: string = WORKFLOW_ERROR_CODES[code].summary, details?: unknown) {
    super(message);
    this.name = 'WorkflowApiError';
    this.code = code;
    this.status = WORKFLOW_ERROR_CODES[code].status;
    this.details = details;
  }
}

/** Sends workflow and engine errors as `{ error: { code, message, details? } }`; returns false for others. */
export function sendWorkflowError(reply: FastifyReply, error: unknown): boolean {
  let apiError: WorkflowApiError | undefined;
  if (error instanceof WorkflowApiError) apiError = error;
  else if (error instanceof EngineError && isWorkflowErrorCode(error.code)) apiError = new WorkflowApiError(error.code, error.message, error.details);
  if (!apiError) return false;
  const body: { error: { code: string; message: string; details?: unknown } } = { error: { code: apiError.code, message: apiError.message } };
  if (apiError.details !== undefined) body.error.details = apiError.details;
  void reply.status(apiError.status).send(body);
  return true;
}
