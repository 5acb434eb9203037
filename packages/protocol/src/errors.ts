import { WORKFLOW_ERROR_CODES } from './workflow/errors.js';

/**
 * The error-code registry, the only one: every error runtime-hub reports — in an HTTP reply, a
 * rejected record, an OTLP partial success, a failed workflow step — carries one of these stable
 * codes. Clients switch on the code, never on the message. The HTTP status is what the edge
 * answers when the error ends a whole request. docs/errors.md lists every code; a test
 * (packages/hub/src/http/error-registry.test.ts) keeps the two in step.
 *
 * @example
 *   throw new HubError('SPAN_NOT_FOUND', `no span with id ${id}`);
 */
export const ERROR_CODES = {
  // Whole-request errors.
  INVALID_REQUEST: { status: 400, summary: 'the HTTP request is malformed (bad header, URL or framing)' },
  INVALID_JSON: { status: 400, summary: 'the body is not valid JSON' },
  INVALID_BODY: { status: 400, summary: 'the body does not have the expected shape' },
  INVALID_QUERY: { status: 400, summary: 'a query or path parameter is invalid' },
  INVALID_CURSOR: { status: 400, summary: 'the paging cursor is malformed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'the content type or encoding is not supported' },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'the body exceeds the configured limit' },
  UNAUTHORIZED: { status: 401, summary: 'unauthorized' },
  HOST_NOT_ALLOWED: { status: 403, summary: 'the Host header is not a name of this hub (DNS rebinding guard)' },
  ORIGIN_NOT_ALLOWED: { status: 403, summary: 'requests from this web page origin are not allowed' },
  NOT_FOUND: { status: 404, summary: 'no such resource' },
  SPAN_NOT_FOUND: { status: 404, summary: 'no span with this id' },
  TRACE_NOT_FOUND: { status: 404, summary: 'no trace with this id' },
  ANNOTATION_NOT_FOUND: { status: 404, summary: 'no bookmark or note with this id' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'method not allowed' },
  SHUTTING_DOWN: { status: 503, summary: 'the hub is shutting down' },
  INGEST_BUSY: { status: 429, summary: 'the hub is still writing earlier spans; send again after the Retry-After header\'s seconds' },
  PLUGIN_NOT_FOUND: { status: 404, summary: 'no plugin with this name is loaded' },
  PLUGIN_ROUTE_NOT_FOUND: { status: 404, summary: 'the plugin has no route with this method and path' },
  PLUGIN_DISABLED: { status: 503, summary: 'the plugin was disabled after it failed, hung or did not start (GET /api/v1/plugins says why)' },
  PLUGIN_FAILED: { status: 502, summary: 'a plugin route threw, or did not answer in time' },
  PLAYGROUND_KEY_MISSING: { status: 400, summary: 'the prompt playground has no API key for this provider (PUT /api/v1/playground/keys/:name)' },
  INVOKE_REFUSED: { status: 403, summary: 're-invoking functions is refused: the hub is reachable beyond this machine without a token' },
  NOT_INVOCABLE: { status: 409, summary: 'no running instance of the app offers this function for re-invocation (@track(invocable=True) and configure(invocable=True))' },
  INVOCATION_NOT_FOUND: { status: 404, summary: 'no invocation with this id' },
  EXPORT_REFUSED: { status: 422, summary: 'the project has nodes the chosen language cannot run (details.problems names each one)' },
  DEPLOY_TARGET_NOT_FOUND: { status: 404, summary: 'the project has no deployment target with this id' },
  DEPLOYMENT_NOT_FOUND: { status: 404, summary: 'no deployment with this id' },
  DEPLOY_IN_PROGRESS: { status: 409, summary: 'a deployment of this target is already running' },
  DEPLOY_OWNER_UNREACHABLE: { status: 503, summary: 'the hub that runs this deployment did not answer; once its lease runs out another hub takes the deployment over' },
  VERSION_UNKNOWN: { status: 404, summary: 'the project folder has no commit with this hash' },
  // INTERNAL (500) comes with the workflow codes below.

  // Per-record errors (a rejected span in an otherwise accepted batch).
  INVALID_RECORD: { status: 400, summary: 'the record is not a JSON object' },
  MISSING_FIELD: { status: 400, summary: 'a required field is missing' },
  INVALID_FIELD: { status: 400, summary: 'a field has the wrong type or format' },
  INVALID_ID: { status: 400, summary: 'an id is not hex of the right length' },
  INVALID_TIME: { status: 400, summary: 'a time is not epoch milliseconds within the JavaScript date range, or the end is before the start' },
  FIELD_TOO_LONG: { status: 400, summary: 'a string field exceeds its maximum length' },
  RECORD_TOO_LARGE: { status: 400, summary: 'the record exceeds the maximum serialized size' },
  NESTING_TOO_DEEP: { status: 400, summary: 'a value is nested deeper than allowed' },
  INVALID_UTF8: { status: 400, summary: 'the record contained bytes that are not valid UTF-8' },
  SPAN_ID_CONFLICT: { status: 409, summary: 'the spanId already belongs to another trace' },

  // Workflows: the API and failures inside a run (packages/protocol/src/workflow/errors.ts).
  ...WORKFLOW_ERROR_CODES,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error reply: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error with a stable code; the HTTP edge turns it into an {@link ErrorBody}. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code].summary, details?: unknown) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
