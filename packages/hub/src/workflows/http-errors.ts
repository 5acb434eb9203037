import type { FastifyReply } from 'fastify';
import { HubError, isWorkflowErrorCode } from '@runtime-hub/protocol';
import type { WorkflowErrorCode } from '@runtime-hub/protocol';
import { EngineError } from '@runtime-hub/engine';

/** An error of the workflow API: a {@link HubError} whose code is one of the workflow codes. */
export class WorkflowApiError extends HubError {
  declare readonly code: WorkflowErrorCode;

  constructor(code: WorkflowErrorCode, message?: string, details?: unknown) {
    super(code, message, details);
    this.name = 'WorkflowApiError';
  }
}

/** Sends workflow and engine errors as `{ error: { code, message, details? } }`; returns false for others. */
export function sendWorkflowError(reply: FastifyReply, error: unknown): boolean {
  let apiError: HubError | undefined;
  if (error instanceof HubError) apiError = error;
  else if (error instanceof EngineError && isWorkflowErrorCode(error.code)) apiError = new WorkflowApiError(error.code, error.message, error.details);
  if (!apiError) return false;
  void reply.status(apiError.status).send(apiError.toBody());
  return true;
}
