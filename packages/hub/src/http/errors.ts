import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, type ErrorCode } from '@runtime-hub/protocol';
import { validationError } from './route-schemas.js';

/** Fastify's own error codes mapped to ours, so every error reply has the same shape. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'INVALID_BODY',
};

/** Turns every thrown error into `{ error: { code, message, details? } }` with a fitting status. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HubError | Error, request, reply) => {
    if (error instanceof HubError) {
      return reply.status(error.status).send(error.toBody());
    }
    const invalid = 'validation' in error ? validationError(error) : undefined;
    if (invalid) return reply.status(invalid.status).send(invalid.toBody());
    const fastifyCode = 'code' in error && typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
    if (fastifyCode) {
      const hubError = new HubError(fastifyCode, error.message);
      return reply.status(hubError.status).send(hubError.toBody());
    }
    if ('code' in error && typeof error.code === 'string' && error.code.startsWith('Z_')) {
      const hubError = new HubError('INVALID_BODY', `the compressed body could not be decoded: ${error.message}`);
      return reply.status(400).send(hubError.toBody());
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send(new HubError('INTERNAL').toBody());
    }
    return reply.status(status).send(new HubError('INVALID_BODY', error.message).toBody());
  });
}

/**
 * Errors Fastify answers before any route or error handler runs (a URL that does not decode),
 * given the same shape. Passed as Fastify's `frameworkErrors` option.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const hubError = new HubError('INVALID_REQUEST', error.message);
  void reply.status(hubError.status).send(hubError.toBody());
}

/**
 * A request Node's HTTP parser cannot read (bad header, framing) never reaches Fastify; the
 * connection gets a 400 with the same body shape, then closes. Fastify's `clientErrorHandler`.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy(error);
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(new HubError('INVALID_REQUEST', `the HTTP request could not be parsed (${error.code ?? 'malformed'})`).toBody());
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
