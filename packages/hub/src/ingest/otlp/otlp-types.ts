/**
 * An OTLP trace export request as the hub reads it: the OTLP/JSON form, or a decoded protobuf
 * body in the same shape. Everything is optional and loosely typed, because it comes from the
 * network; the mapper checks each value it uses.
 */
export interface OtlpRequest {
  resourceSpans?: OtlpResourceSpans[];
}

export interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: OtlpScopeSpans[];
}

export interface OtlpScopeSpans {
  scope?: { name?: string; version?: string };
  spans?: OtlpSpan[];
}

/** Ids: hex strings (OTLP/JSON), base64 strings (some senders) or bytes (protobuf). */
export type OtlpId = string | Uint8Array;
/** 64-bit integers: decimal strings or numbers. */
export type OtlpInt64 = string | number;

export interface OtlpSpan {
  traceId?: OtlpId;
  spanId?: OtlpId;
  parentSpanId?: OtlpId;
  name?: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer (or the enum name). */
  kind?: number | string;
  startTimeUnixNano?: OtlpInt64;
  endTimeUnixNano?: OtlpInt64;
  attributes?: OtlpKeyValue[];
  events?: OtlpEvent[];
  status?: { code?: number | string; message?: string };
}

export interface OtlpEvent {
  timeUnixNano?: OtlpInt64;
  name?: string;
  attributes?: OtlpKeyValue[];
}

export interface OtlpKeyValue {
  key?: string;
  value?: OtlpAnyValue;
}

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: OtlpInt64;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string | Uint8Array;
}

/** An OTLP logs export request (OTLP/JSON, or a decoded protobuf body in the same shape). */
export interface OtlpLogsRequest {
  resourceLogs?: { resource?: { attributes?: OtlpKeyValue[] }; scopeLogs?: { scope?: { name?: string }; logRecords?: OtlpLogRecord[] }[] }[];
}

export interface OtlpLogRecord {
  timeUnixNano?: OtlpInt64;
  observedTimeUnixNano?: OtlpInt64;
  severityNumber?: number | string;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  traceId?: OtlpId;
  spanId?: OtlpId;
  /** The event name (OTLP 1.5+); older senders put it in the `event.name` attribute. */
  eventName?: string;
}
