import { NodeFailure, permanent } from '../engine/errors.js';
import { toText } from '../engine/expr/index.js';

/**
 * Outbound HTTP for the http, notification, llm and workflow-call nodes (Node's fetch), classified
 * like the engine's: network failures carry their errno code (the retry policy matches it), error
 * statuses fail with HTTP_STATUS, responses are capped at 10 MB.
 */

export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function errno(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9_]+$|^UND_ERR_[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function send(request: { method: string; url: string; headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpResponse> {
  const { method, url, timeoutMs } = request;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method, headers: request.headers, body: request.body, signal, redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw new NodeFailure('ETIMEDOUT', `${method} ${url} took longer than ${timeoutMs} ms`);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new NodeFailure(errno(error) ?? 'HTTP_ERROR', `${method} ${url} failed: ${(error as Error).message}${cause}`);
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await reader.cancel();
        throw new NodeFailure('RESPONSE_TOO_LARGE', `${method} ${url}: the response exceeds ${MAX_RESPONSE_BYTES} bytes`, { nonRetryable: true });
      }
      chunks.push(value);
    }
  }
  return { status: response.status, headers, body: Buffer.concat(chunks).toString('utf8') };
}

export function buildUrl(raw: unknown, query: unknown, field = 'url'): string {
  let url: URL;
  try {
    url = new URL(toText(raw));
  } catch {
    throw permanent('CONFIG_INVALID', `"${field}" is not a valid URL: ${JSON.stringify(toText(raw).slice(0, 200))}`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw permanent('CONFIG_INVALID', `"${field}" must be an http or https URL, not ${url.protocol}`, field);
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
  return new NodeFailure('HTTP_STATUS', `${method} ${url} answered ${response.status}`, { status: response.status, details: { body: response.body.slice(0, 2000) } });
}
