/**
 * Limits the hub enforces on every span record, whatever the source. SDKs truncate far below
 * these; the limits exist so that one hostile record cannot exhaust memory or the stack.
 */
export const SPAN_LIMITS = {
  /** Maximum length of name, service, sessionId and other identifying strings. */
  maxNameLength: 1024,
  /** Maximum nesting depth of input, output, error and event attribute values. */
  maxDepth: 64,
  /** Maximum size of one record serialized as JSON, in bytes (UTF-8). */
  maxRecordBytes: 1024 * 1024,
  /** Maximum number of attributes on one span. */
  maxAttributes: 512,
  /** Maximum number of events on one span. */
  maxEvents: 1024,
} as const;
