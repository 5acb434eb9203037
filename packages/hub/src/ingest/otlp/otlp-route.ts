import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../../context.js';
import { DEFAULT_MAX_WRITE_BACKLOG, pushBack } from '../backpressure.js';
import { LogAttacher } from './log-attacher.js';
import { otlpLogsToEntries } from './logs-to-entries.js';
import { startOtlpPort } from './otlp-port.js';
import { isJson, isProtobuf, PROTOBUF_TYPES, sendExportResponse, sendLogsResponse, sendOtlpError } from './otlp-reply.js';
import { ProtobufDecoder } from './protobuf-decoder.js';
import type { OtlpLogsRequest, OtlpRequest } from './otlp-types.js';
import { otlpToSpanRecords, type OtlpConversion } from './to-span-records.js';

/** How many rejection reasons the partial-success message lists. */
const MAX_REASONS = 5;

/** The body of an OTLP/HTTP JSON request, as parsed. */
function otlpJsonBody(request: FastifyRequest, message: string, field: string): unknown {
  if (!isJson(request.headers['content-type'])) {
    throw new HubError('UNSUPPORTED_MEDIA_TYPE', 'OTLP/HTTP takes application/json or application/x-protobuf');
  }
  const json = request.body;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new HubError('INVALID_BODY', `the body must be an OTLP/JSON ${message}: { "${field}": [ ... ] }`);
  }
  return json;
}

/**
 * OTLP/HTTP receiver: `POST /v1/traces` with an ExportTraceServiceRequest and `POST /v1/logs` with
 * an ExportLogsServiceRequest, as JSON (`application/json`) or protobuf (`application/x-protobuf`),
 * optionally gzip-compressed. Spans
 * become span records and go through `ctx.ingest`; spans that cannot be stored are reported in
 * `partialSuccess` while the rest are kept. With `config.otlpPort` the same route is also served
 * on that port (OpenTelemetry's default is 4318). See docs/otlp.md.
 */
export async function registerOtlp(app: FastifyInstance, ctx: HubContext): Promise<void> {
  const logs = new LogAttacher(ctx);
  // Protobuf bodies decode on a thread (a 5 MB export is a second of work); invalid UTF-8 in a
  // string costs only the spans that hold it (http/utf8.ts).
  const decoder = new ProtobufDecoder();
  ctx.onClose(() => decoder.close());
  await app.register(async (scope) => {
    scope.addContentTypeParser(PROTOBUF_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.setErrorHandler((error: FastifyError | HubError, request, reply) => {
      const protobuf = isProtobuf(request.headers['content-type']);
      if (error instanceof HubError) return sendOtlpError(reply, protobuf, error.status, error.code, error.message);
      if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
        return sendOtlpError(reply, protobuf, 400, 'INVALID_BODY', `the compressed body could not be decoded: ${error.message}`);
      }
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'OTLP export failed');
        return sendOtlpError(reply, protobuf, 500, 'INTERNAL', 'internal error');
      }
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_BODY';
      return sendOtlpError(reply, protobuf, status, code, error.message);
    });

    // No body schema: the body is protobuf or OTLP/JSON, decoded and checked span by span below.
    scope.post('/v1/traces', { schema: { tags: ['ingest'], summary: 'OTLP/HTTP trace export (JSON or protobuf)' } }, async (request, reply) => {
      const protobuf = isProtobuf(request.headers['content-type']);
      let conversion: OtlpConversion;
      if (protobuf) {
        const decoded = await decoder.decode('traces', request.body as Buffer);
        if (decoded.lossy) request.lossyUtf8 = true;
        conversion = decoded.value;
      } else {
        conversion = otlpToSpanRecords(otlpJsonBody(request, 'ExportTraceServiceRequest', 'resourceSpans') as OtlpRequest);
      }
      // Push back like POST /api/v1/spans: OTLP exporters retry a 429 after its Retry-After.
      pushBack(ctx.store, conversion.records.length, ctx.config.maxWriteBacklog ?? DEFAULT_MAX_WRITE_BACKLOG, reply);
      const result = await ctx.ingest(conversion.records, { lossyUtf8: request.lossyUtf8 === true });
      const reasons = [
        ...conversion.rejected,
        ...result.rejected.map((r) => ({ index: conversion.indexes[r.index]!, message: `${r.code}: ${r.message}` })),
      ].sort((a, b) => a.index - b.index);
      if (reasons.length === 0) return sendExportResponse(reply, protobuf);
      const listed = reasons.slice(0, MAX_REASONS).map((r) => `span ${r.index}: ${r.message}`);
      if (reasons.length > MAX_REASONS) listed.push(`… and ${reasons.length - MAX_REASONS} more`);
      request.log.warn({ rejected: reasons.length, total: conversion.total }, 'OTLP spans rejected');
      return sendExportResponse(reply, protobuf, {
        rejectedSpans: reasons.length,
        errorMessage: `${reasons.length} of ${conversion.total} spans rejected; ${listed.join('; ')}`,
      });
    });

    // Logs: GenAI events become their span's messages, other records its events (docs/otlp.md).
    scope.post('/v1/logs', { schema: { tags: ['ingest'], summary: 'OTLP/HTTP log export (JSON or protobuf); GenAI events join their spans' } }, async (request, reply) => {
      const protobuf = isProtobuf(request.headers['content-type']);
      let body: OtlpLogsRequest;
      if (protobuf) {
        const decoded = await decoder.decode('logs', request.body as Buffer);
        if (decoded.lossy) request.lossyUtf8 = true;
        body = decoded.value;
      } else {
        body = otlpJsonBody(request, 'ExportLogsServiceRequest', 'resourceLogs') as OtlpLogsRequest;
      }
      const conversion = otlpLogsToEntries(body);
      await logs.attach(conversion.bySpan);
      const dropped = conversion.dropped;
      if (dropped.length === 0) return sendLogsResponse(reply, protobuf);
      const listed = dropped.slice(0, MAX_REASONS).map((r) => `log record ${r.index}: ${r.message}`);
      if (dropped.length > MAX_REASONS) listed.push(`… and ${dropped.length - MAX_REASONS} more`);
      return sendLogsResponse(reply, protobuf, {
        rejectedLogRecords: dropped.length,
        errorMessage: `${dropped.length} of ${conversion.total} log records dropped; ${listed.join('; ')}`,
      });
    });
  });

  if (ctx.config.otlpPort !== undefined) startOtlpPort(app, ctx, ctx.config.otlpPort);
}
