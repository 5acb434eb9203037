import type { FastifyError, FastifyInstance } from 'fastify';
import { HubError, type ErrorCode } from '@runtime-hub/protocol';

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
