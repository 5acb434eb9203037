import type { FastifyReply } from 'fastify';
import { encodeLogsResponse, encodeRpcStatus, encodeTraceResponse } from './otlp-schema.js';

export const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

export function isProtobuf(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type !== undefined && PROTOBUF_TYPES.includes(type);
}

export function isJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/json';
}

/**
 * The OTLP/HTTP success reply, in the request's encoding: an ExportTraceServiceResponse, with
 * partial_success only when spans were rejected (int64 as a decimal string in JSON, as the
 * protobuf JSON mapping writes it).
 */
export function sendExportResponse(reply: FastifyReply, protobuf: boolean, partial?: { rejectedSpans: number; errorMessage: string }) {
  if (protobuf) {
    return reply.type('application/x-protobuf').send(Buffer.from(encodeTraceResponse(partial)));
  }
  return reply
    .type('application/json')
    .send(partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {});
}

/** The OTLP/HTTP logs success reply (ExportLogsServiceResponse), like sendExportResponse. */
export function sendLogsResponse(reply: FastifyReply, protobuf: boolean, partial?: { rejectedLogRecords: number; errorMessage: string }) {
  if (protobuf) return reply.type('application/x-protobuf').send(Buffer.from(encodeLogsResponse(partial)));
  return reply
    .type('application/json')
    .send(partial ? { partialSuccess: { rejectedLogRecords: String(partial.rejectedLogRecords), errorMessage: partial.errorMessage } } : {});
}

/** gRPC status codes for the HTTP statuses the receiver answers (google.rpc.Status.code). */
function grpcCode(status: number): number {
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 404) return 5; // NOT_FOUND
  if (status === 413 || status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  if (status >= 500) return 13; // INTERNAL
  return 3; // INVALID_ARGUMENT
}

/**
 * An OTLP/HTTP error reply: a google.rpc.Status in the request's encoding. The JSON form also
 * carries the hub's own `error: { code, message }`, so every hub endpoint can be read the same way.
 */
export function sendOtlpError(reply: FastifyReply, protobuf: boolean, status: number, code: string, message: string) {
  void reply.status(status);
  if (protobuf) return reply.type('application/x-protobuf').send(Buffer.from(encodeRpcStatus(grpcCode(status), message)));
  return reply.type('application/json').send({ code: grpcCode(status), message, error: { code, message } });
}
