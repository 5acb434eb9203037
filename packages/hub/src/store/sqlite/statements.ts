import { SPAN_LIMITS } from '@runtime-hub/protocol';

/**
 * The write statements. A record either creates a span (INSERT OR IGNORE) or completes one
 * (MERGE). In MERGE the incoming record wins when it is an end record or the stored span has not
 * ended: so an end fills endTime/status/output/error, and a start arriving after its end only
 * fills what the end left empty. SQLite evaluates every SET expression on the old row.
 * Payload parameters come packed (payload-codec.ts), except `@attributes`: its JSON text is merged
 * with the stored map's (`payload_text`) and the result packed (`pack_payload`).
 */
/** Column order of INSERT_SPAN; `SpanValues` (row-codec.ts) follows it. */
export const SPAN_COLUMNS = [
  'span_id', 'trace_id', 'parent_span_id', 'service', 'name', 'kind', 'start_time', 'end_time', 'status', 'session_id',
  'input', 'output', 'error', 'attributes', 'events', 'error_group', 'model', 'input_tokens', 'output_tokens', 'cost_usd', 'seq',
] as const;

/** Named parameters of MERGE_SPAN, in the same order as SPAN_COLUMNS. */
export const SPAN_PARAMS = [
  'spanId', 'traceId', 'parentSpanId', 'service', 'name', 'kind', 'startTime', 'endTime', 'status', 'sessionId',
  'input', 'output', 'error', 'attributes', 'events', 'errorGroup', 'model', 'inputTokens', 'outputTokens', 'costUsd', 'seq',
] as const;

// Positional parameters: binding 21 values by position is measurably cheaper than by name.
export const INSERT_SPAN = `INSERT OR IGNORE INTO spans (${SPAN_COLUMNS.join(', ')}) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')})`;

const WINS = '(@endTime IS NOT NULL OR end_time IS NULL)';
const prefer = (column: string, param: string) =>
  `${column} = CASE WHEN ${WINS} THEN COALESCE(${param}, ${column}) ELSE COALESCE(${column}, ${param}) END`;
const take = (column: string, param: string) => `${column} = CASE WHEN ${WINS} THEN ${param} ELSE ${column} END`;

/**
 * Attributes merge key by key, the winner's value first. The limits hold for the merged map, not
 * just for each record: if merging would pass ${SPAN_LIMITS.maxAttributes} keys or ${SPAN_LIMITS.maxRecordBytes} bytes, the
 * winner's attributes replace the stored ones instead, so re-sending a spanId with new keys can
 * never grow a span without bound.
 */
const boundedMerge = (stored: string, incoming: string) => {
  const merged = `CASE WHEN ${WINS} THEN json_patch(${stored}, ${incoming}) ELSE json_patch(${incoming}, ${stored}) END`;
  // Fast path, the usual case: the two maps together have fewer ':' than the key limit (each key
  // is followed by one, so that bounds the merged key count) and fit in the byte limit together.
  const colons = (json: string) => `(length(${json}) - length(replace(${json}, ':', '')))`;
  const surelyWithin = `${colons(stored)} + ${colons(incoming)} <= ${SPAN_LIMITS.maxAttributes} AND length(${stored}) + length(${incoming}) <= ${SPAN_LIMITS.maxRecordBytes}`;
  return `CASE WHEN ${surelyWithin} THEN ${merged} ELSE (SELECT CASE
      WHEN length(merged) <= ${SPAN_LIMITS.maxRecordBytes} AND (SELECT count(*) FROM json_each(merged)) <= ${SPAN_LIMITS.maxAttributes} THEN merged
      ELSE winner END
    FROM (SELECT ${merged} AS merged, CASE WHEN ${WINS} THEN ${incoming} ELSE ${stored} END AS winner)) END`;
};

export const MERGE_SPAN = `UPDATE spans SET
  ${prefer('parent_span_id', '@parentSpanId')},
  ${take('service', '@service')},
  ${take('name', '@name')},
  ${take('kind', '@kind')},
  ${take('start_time', '@startTime')},
  ${take('end_time', '@endTime')},
  ${take('status', '@status')},
  ${prefer('session_id', '@sessionId')},
  ${prefer('input', '@input')},
  ${prefer('output', '@output')},
  ${prefer('error', '@error')},
  attributes = CASE
    WHEN @attributes IS NULL THEN attributes
    WHEN attributes IS NULL THEN pack_payload(@attributes)
    ELSE pack_payload(${boundedMerge('payload_text(attributes)', '@attributes')}) END,
  ${prefer('events', '@events')},
  ${prefer('error_group', '@errorGroup')},
  ${prefer('model', '@model')},
  ${prefer('input_tokens', '@inputTokens')},
  ${prefer('output_tokens', '@outputTokens')},
  ${prefer('cost_usd', '@costUsd')},
  seq = @seq
WHERE span_id = @spanId AND trace_id = @traceId
RETURNING *`;

/** The stored span a record could not merge into (its spanId belongs to another trace). */
export const SELECT_SPAN = 'SELECT * FROM spans WHERE span_id = ?';

export const UPSERT_TRACE = `INSERT INTO traces
  (trace_id, root_span_id, name, service, kind, session_id, start_time, end_time, root_end_time, root_status, has_error)
  VALUES (@traceId, @rootSpanId, @name, @service, @kind, @sessionId, @startTime, @endTime, @rootEndTime, @rootStatus, @hasError)
ON CONFLICT (trace_id) DO UPDATE SET
  root_span_id = COALESCE(excluded.root_span_id, root_span_id),
  name = CASE WHEN excluded.root_span_id IS NOT NULL OR root_span_id IS NULL THEN excluded.name ELSE name END,
  service = CASE WHEN excluded.root_span_id IS NOT NULL OR root_span_id IS NULL THEN excluded.service ELSE service END,
  kind = CASE WHEN excluded.root_span_id IS NOT NULL OR root_span_id IS NULL THEN excluded.kind ELSE kind END,
  session_id = COALESCE(session_id, excluded.session_id),
  start_time = MIN(start_time, excluded.start_time),
  end_time = CASE WHEN excluded.end_time IS NULL THEN end_time WHEN end_time IS NULL THEN excluded.end_time
    ELSE MAX(end_time, excluded.end_time) END,
  root_end_time = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.root_end_time ELSE root_end_time END,
  root_status = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.root_status ELSE root_status END,
  has_error = MAX(has_error, excluded.has_error)`;

export const TOUCH_SERVICE = `INSERT INTO services (service, first_seen, last_seen) VALUES (?, ?, ?)
ON CONFLICT (service) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)`;

export const UPSERT_INSTANCE = `INSERT INTO instances
  (service, instance_id, pid, host, language, runtime_version, sdk, dropped, last_seen)
  VALUES (@service, @instanceId, @pid, @host, @language, @runtimeVersion, @sdk, @dropped, @time)
ON CONFLICT (service, instance_id) DO UPDATE SET
  pid = excluded.pid, host = excluded.host, language = excluded.language,
  runtime_version = excluded.runtime_version, sdk = excluded.sdk, dropped = excluded.dropped,
  last_seen = excluded.last_seen`;
