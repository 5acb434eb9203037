import { HubError } from '@runtime-hub/protocol';
import { decodeProtobufLossy } from '../../http/utf8.js';
import { decodeLogsRequest, decodeTraceRequest } from './otlp-schema.js';
import type { OtlpLogsRequest, OtlpRequest } from './otlp-types.js';
import { otlpToSpanRecords, type OtlpConversion } from './to-span-records.js';

/** What decoding a protobuf OTLP body yields: spans already turned into records, logs as OTLP/JSON. */
export interface ProtobufResults {
  traces: OtlpConversion;
  logs: OtlpLogsRequest;
}
export type ProtobufKind = keyof ProtobufResults;

const MESSAGE: Record<ProtobufKind, string> = { traces: 'ExportTraceServiceRequest', logs: 'ExportLogsServiceRequest' };

/**
 * Decodes a protobuf OTLP body; for traces also converts the spans to span records (as heavy as the
 * decoding itself, so both run together on a decoder thread). `lossy`: a string held invalid UTF-8
 * (http/utf8.ts). A malformed body throws INVALID_BODY.
 */
export function decodeOtlpProtobuf<K extends ProtobufKind>(kind: K, body: Uint8Array): { value: ProtobufResults[K]; lossy: boolean } {
  let decoded: { value: unknown; lossy: boolean };
  try {
    decoded = decodeProtobufLossy(kind === 'traces' ? decodeTraceRequest : decodeLogsRequest, body);
  } catch (error) {
    throw new HubError('INVALID_BODY', `the body is not a protobuf ${MESSAGE[kind]}: ${(error as Error).message}`);
  }
  const value = kind === 'traces' ? otlpToSpanRecords(decoded.value as OtlpRequest) : decoded.value;
  return { value: value as ProtobufResults[K], lossy: decoded.lossy };
}
