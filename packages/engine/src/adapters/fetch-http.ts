import { NodeFailure } from '../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../ports.js';

/**
 * Outbound HTTP through Node's fetch (undici). The node's signal and the request's own timeout
 * both abort it; the body is read up to `maxResponseBytes`. Network errors keep undici's cause,
 * whose `code` (ECONNREFUSED, UND_ERR_SOCKET…) the retry policy matches.
 */
export const fetchHttp: HttpClient = {
  async request(request: HttpRequest): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    let response: Response;
    try {
      response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal, redirect: 'follow' });
    } catch (error) {
      if (timeout.aborted && !request.signal.aborted) {
        throw new NodeFailure('ETIMEDOUT', `${request.method} ${request.url} took longer than ${request.timeoutMs} ms`);
      }
      throw error;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = await readLimited(response, request.maxResponseBytes, request);
    return { status: response.status, headers, body };
  },
};

async function readLimited(response: Response, limit: number, request: HttpRequest): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new NodeFailure('RESPONSE_TOO_LARGE', `${request.method} ${request.url}: the response exceeds ${limit} bytes`, { nonRetryable: true });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
