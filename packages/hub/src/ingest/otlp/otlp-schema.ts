import protobuf from 'protobufjs';

/**
 * The part of the OTLP trace and logs protocols the hub reads and answers, in protobuf schema language.
 * Names and field numbers are those of the OpenTelemetry protocol definitions
 * (opentelemetry/proto/{common,resource,trace}/v1 and collector/trace/v1, protocol 1.x); fields
 * the hub ignores (links, trace_state, dropped_* counts, entity refs) are left out, which protobuf
 * decoding skips by design. Compatibility is tested against the official exporters' encoders.
 */
const SCHEMA = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Resource { repeated KeyValue attributes = 1; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
  Status status = 15;
  fixed32 flags = 16;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
  }
}
message Status { string message = 2; int32 code = 3; }

message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }

// Logs (opentelemetry/proto/logs/v1 and collector/logs/v1): GenAI events arrive as log records.
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }

// google.rpc.Status: the body of OTLP/HTTP error replies.
message RpcStatus { int32 code = 1; string message = 2; }
`;

let root: protobuf.Root | undefined;

function type(name: string): protobuf.Type {
  root ??= protobuf.parse(SCHEMA, { keepCase: false }).root;
  return root.lookupType(`opentelemetry.proto.${name}`);
}

/**
 * Decodes a protobuf ExportTraceServiceRequest into the shape of its OTLP/JSON form (camelCase
 * keys; ids stay bytes, 64-bit integers become decimal strings, enums stay numbers).
 * Throws protobufjs' error on a malformed body.
 */
export function decodeTraceRequest(body: Uint8Array): unknown {
  const t = type('ExportTraceServiceRequest');
  return t.toObject(t.decode(body), { longs: String, enums: Number, defaults: false });
}

/** Decodes a protobuf ExportLogsServiceRequest into the shape of its OTLP/JSON form. */
export function decodeLogsRequest(body: Uint8Array): unknown {
  const t = type('ExportLogsServiceRequest');
  return t.toObject(t.decode(body), { longs: String, enums: Number, defaults: false });
}

export function encodeLogsResponse(partialSuccess?: { rejectedLogRecords: number; errorMessage: string }): Uint8Array {
  const t = type('ExportLogsServiceResponse');
  return t.encode(t.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

export function encodeTraceResponse(partialSuccess?: { rejectedSpans: number; errorMessage: string }): Uint8Array {
  const t = type('ExportTraceServiceResponse');
  return t.encode(t.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const t = type('RpcStatus');
  return t.encode(t.fromObject({ code, message })).finish();
}

/** For tests: encodes an OTLP/JSON-shaped request as protobuf. */
export function encodeTraceRequest(request: unknown): Uint8Array {
  const t = type('ExportTraceServiceRequest');
  return t.encode(t.fromObject(request as Record<string, unknown>)).finish();
}
