import fastifySwagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { HubError } from '@runtime-hub/protocol';
import { HUB_VERSION } from '../version.js';

/** Where the hub serves the OpenAPI document of its whole HTTP API. */
export const OPENAPI_PATH = '/api/openapi.json';

/**
 * Route schemas are zod schemas (`schema: { params, querystring, body }` on each route), checked by
 * fastify-type-provider-zod before the handler runs, so every route validates the same way and
 * every mismatch gets the same reply (see {@link validationError}). @fastify/swagger collects the
 * routes as they are added, so this must run before any feature registers one; the document is
 * served at `GET /api/openapi.json` and lists every route (a test checks it against the router).
 */
export async function registerRouteSchemas(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'runtime-hub',
        version: HUB_VERSION,
        description: 'The runtime-hub HTTP API. Errors: `{ error: { code, message, details? } }`, codes in docs/errors.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get(OPENAPI_PATH, { schema: { tags: ['meta'], summary: 'This document: the OpenAPI description of the whole API' } }, () => app.swagger());
}

/**
 * A schema mismatch as a hub error: the body's problems are INVALID_BODY, those of the query
 * string or path parameters INVALID_QUERY; the message names each field, as in `limit: Too small`.
 */
export function validationError(error: FastifyError): HubError | undefined {
  if (!error.validation) return undefined;
  const where = error.validationContext ?? 'body';
  const problems = error.validation.slice(0, 5).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return `${path || where}: ${issue.message ?? 'invalid'}`;
  });
  return new HubError(where === 'body' ? 'INVALID_BODY' : 'INVALID_QUERY', problems.join('; '));
}
