import { isUtf8 } from 'node:buffer';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError } from '@runtime-hub/protocol';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body held invalid UTF-8 and was decoded with replacement characters. */
    lossyUtf8?: boolean;
  }
}


/**
 * Request bodies: gzip / deflate / br content-encoding is decompressed before the body limit is
 * counted (so a small bomb cannot expand past it), and JSON is parsed with precise errors. Bytes
 * that are not UTF-8 do not fail the request: the ingest path rejects only the records they hit.
 */
export function registerBodyParsing(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.toLowerCase().trim();
    if (!encoding || encoding === 'identity') return payload;
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? createGunzip()
        : encoding === 'deflate'
          ? createInflate()
          : encoding === 'br'
            ? createBrotliDecompress()
            : undefined;
    if (!decoder) {
      throw new HubError('UNSUPPORTED_MEDIA_TYPE', `content-encoding ${JSON.stringify(encoding)} is not supported (use gzip, deflate or br)`);
    }
    // The declared length is that of the compressed bytes; the limit applies to what comes out.
    delete request.headers['content-length'];
    payload.on('error', (error) => decoder.destroy(error));
    return payload.pipe(decoder);
  });

  // No text/plain: every body the API takes is JSON (or protobuf for OTLP); text/plain is also what
  // a cross-site form may send without a preflight. Public workflows add their own parsers.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

export function parseJsonBody(request: FastifyRequest, body: Buffer): unknown {
  // isUtf8 is a native scan, several times faster than a fatal TextDecoder on large bodies.
  if (!isUtf8(body)) request.lossyUtf8 = true;
  const text = body.toString('utf8');
  if (text.trim() === '') throw new HubError('INVALID_JSON', 'the body is empty; expected a JSON document');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HubError('INVALID_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
