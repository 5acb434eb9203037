import type { FastifyInstance } from 'fastify';

/**
 * How the MCP tools reach the hub: its own HTTP API, so every tool goes through the same
 * validation, paging and error replies as the dashboard. `runtime-hub mcp` (stdio) talks to a
 * running hub over the network; the hub's own `/mcp` endpoint injects the requests in process.
 */
export interface HubApi {
  /** Resolves to the parsed JSON reply; a 4xx/5xx reply rejects with a {@link HubApiError}. */
  request(method: 'GET' | 'POST', path: string, options?: { query?: Record<string, string | number | undefined>; body?: unknown }): Promise<unknown>;
}

/** A reply of the hub that was not a success: its status and `{ error: { code, message } }`. */
export class HubApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function pathWithQuery(path: string, query: Record<string, string | number | undefined> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function failure(status: number, text: string): HubApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) return new HubApiError(status, body.error.code, body.error.message ?? body.error.code);
  } catch {
    // not JSON: fall through
  }
  return new HubApiError(status, `HTTP_${status}`, text.slice(0, 300) || `HTTP ${status}`);
}

/** The hub at `baseUrl` over HTTP, with its bearer token when it has one. */
export function httpHubApi(baseUrl: string, token?: string): HubApi {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(base + pathWithQuery(path, options.query), {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
      } catch (error) {
        throw new HubApiError(0, 'HUB_UNREACHABLE', `the hub at ${base} does not answer (${(error as Error).message}); is it running? (runtime-hub start)`);
      }
      const text = await response.text();
      if (!response.ok) throw failure(response.status, text);
      return text ? JSON.parse(text) : undefined;
    },
  };
}

/**
 * The hub's own routes, called in process with the credentials of the MCP request that asked
 * (its host, origin and token), so a tool can never do more than its caller could over HTTP.
 */
export function injectedHubApi(app: FastifyInstance, credentials: Record<string, string | undefined>): HubApi {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(credentials)) if (value !== undefined) headers[name] = value;
  return {
    async request(method, path, options = {}) {
      const reply = await app.inject({
        method,
        url: pathWithQuery(path, options.query),
        headers: options.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        payload: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      if (reply.statusCode >= 400) throw failure(reply.statusCode, reply.body);
      return reply.body ? JSON.parse(reply.body) : undefined;
    },
  };
}
