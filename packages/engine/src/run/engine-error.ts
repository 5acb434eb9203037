import type { WorkflowErrorCode } from '@runtime-hub/protocol';

/** An error of the engine's API (not found, not allowed now…), with a stable code. */
export class EngineError extends Error {
  readonly code: WorkflowErrorCode;
  readonly details: unknown;
  constructor(code: WorkflowErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
}
