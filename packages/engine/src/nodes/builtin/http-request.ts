import { NodeFailure, errnoOf, permanent } from '../../errors.js';
import { toText } from '../../expr/index.js';
import type { HttpClient, HttpResponse } from '../../ports.js';

/** What the HTTP, notification and workflow-call nodes share: build, send, read, classify. */

export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export function requireHttp(http: HttpClient | undefined): HttpClient {
  if (!http) throw permanent('INTERNAL', 'this engine was started without an HTTP client');
  return http;
}

export function buildUrl(raw: unknown, query: unknown, field = 'url'): string {
  let url: URL;
  try {
    url = new URL(toText(raw));
  } catch {
    throw permanent('CONFIG_INVALID', `"${field}" is not a valid URL: ${JSON.stringify(toText(raw).slice(0, 200))}`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw permanent('CONFIG_INVALID', `"${field}" must be an http or https URL, not ${url.protocol}`, field);
  }
  if (query !== null && typeof query === 'object' && !Array.isArray(query)) {
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, toText(item));
      else if (value !== undefined && value !== null) url.searchParams.append(name, toText(value));
    }
  }
  return url.toString();
}

export function stringHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw)) if (value !== undefined && value !== null) headers[name.toLowerCase()] = toText(value);
  }
  return headers;
}

/** Sends a request; network failures become failures whose code is the errno (retryable by policy). */
export async function send(
  http: HttpClient,
  request: { method: string; url: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal: AbortSignal },
): Promise<HttpResponse> {
  try {
    return await http.request({ ...request, maxResponseBytes: MAX_RESPONSE_BYTES });
  } catch (error) {
    if (request.signal.aborted) throw error;
    if (error instanceof NodeFailure) throw error;
    const code = errnoOf(error) ?? 'HTTP_ERROR';
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new NodeFailure(code, `${request.method} ${request.url} failed: ${message}${cause}`);
  }
}

export function parseBody(response: HttpResponse, mode: unknown): unknown {
  const type = response.headers['content-type'] ?? '';
  if (mode === 'text') return response.body;
  if (mode === 'json' || type.includes('json')) {
    if (response.body === '') return null;
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      if (mode === 'json') throw permanent('HTTP_ERROR', `the response is not JSON: ${response.body.slice(0, 200)}`);
      return response.body;
    }
  }
  return response.body;
}

export function statusFailure(method: string, url: string, response: HttpResponse): NodeFailure {
  return new NodeFailure('HTTP_STATUS', `${method} ${url} answered ${response.status}`, {
    status: response.status,
    details: { body: response.body.slice(0, 2000) },
  });
}
