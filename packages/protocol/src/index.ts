export { ERROR_CODES, HubError, isErrorCode } from './errors.js';
export type { ErrorBody, ErrorCode } from './errors.js';
export { SPAN_LIMITS } from './limits.js';
export { SPAN_ID_LENGTH, TRACE_ID_LENGTH, normalizeHexId } from './ids.js';
export {
  Attributes,
  AttributeValue,
  SPAN_KINDS,
  SPAN_STATUSES,
  SpanError,
  SpanEvent,
  SpanId,
  SpanKind,
  SpanRecord,
  SpanStatus,
  StackFrame,
  TraceId,
} from './span.js';
export type { LiveSpan, Span, SpanRecordInput, SpanUsage } from './span.js';
export { HEARTBEAT_LIMITS, Heartbeat } from './heartbeat.js';
export type { InstanceInfo, ServiceActivity, ServiceInfo } from './heartbeat.js';
export { LiveSubscribe, SpanFilter } from './query.js';
export { validateSpanRecords } from './validate.js';
export type { RecordRejection, ValidationResult } from './validate.js';
export * from './workflow/index.js';
export type { AgentRunSummary, ErrorGroup, SessionSummary, TraceSummary, UsageTotals } from './api.js';
export { framesOf, isLibraryPath, parseStack } from './stack.js';
export type { ParsedFrame } from './stack.js';
