import type { Failure, WorkflowErrorCode } from '@runtime-hub/protocol';

/**
 * The error a node (or the engine) throws: a stable code, and what is known about retrying it.
 * The runner turns every thrown value into a serializable {@link Failure}; the retry policy then
 * decides from `status` and `code` whether another attempt is made, unless `nonRetryable` says no.
 *
 * @example
 *   throw new NodeFailure('HTTP_STATUS', 'GET https://api.example.com answered 503', { status: 503 });
 */
export class NodeFailure extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly nonRetryable: boolean;
  readonly field: string | undefined;
  readonly details: unknown;

  constructor(
    code: WorkflowErrorCode | (string & {}),
    message: string,
    options: { status?: number; nonRetryable?: boolean; field?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NodeFailure';
    this.code = code;
    this.status = options.status;
    this.nonRetryable = options.nonRetryable ?? false;
    this.field = options.field;
    this.details = options.details;
  }
}

/** A failure that no retry can fix: bad config, a bad expression, a forbidden node. */
export function permanent(code: WorkflowErrorCode, message: string, field?: string, details?: unknown): NodeFailure {
  return new NodeFailure(code, message, { nonRetryable: true, field, details });
}

const ERRNO = /^E[A-Z0-9_]+$|^UND_ERR_[A-Z_]+$/;

/** The first errno-like code (`ECONNRESET`, `UND_ERR_SOCKET`) on an error or its causes. */
export function errnoOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && ERRNO.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Describes anything thrown as a {@link Failure}. `retryable` is left false here; the runner sets
 * it from the node's retry policy.
 */
export function toFailure(error: unknown, nodeId?: string): Failure {
  if (error instanceof NodeFailure) {
    const failure: Failure = { code: error.code, message: error.message, retryable: false };
    if (error.status !== undefined) failure.status = error.status;
    if (error.field !== undefined) failure.field = error.field;
    if (error.details !== undefined) failure.details = error.details;
    if (nodeId !== undefined) failure.nodeId = nodeId;
    return failure;
  }
  const errno = errnoOf(error);
  const message = error instanceof Error ? describeError(error) : String(error);
  const failure: Failure = { code: errno ?? 'NODE_FAILED', message, retryable: false };
  if (nodeId !== undefined) failure.nodeId = nodeId;
  return failure;
}

function describeError(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && !error.message.includes(cause.message)) {
    return `${error.message}: ${cause.message}`;
  }
  return error.message;
}

/** Whether a thrown value says by itself that it must not be retried. */
export function isNonRetryable(error: unknown): boolean {
  return error instanceof NodeFailure && error.nonRetryable;
}
