import type { Attributes } from '@runtime-hub/protocol';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '_OTHER', 'HTTP']);
/** Path segments that are values, not names: numbers, UUIDs, long hex or base64-ish tokens. */
const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}|(?=[A-Za-z_-]*\d)[\w-]{20,})$/i;

/**
 * A readable name for an HTTP span named only by its method. Under the current HTTP semantic
 * conventions a server span without `http.route` is named just "GET"; a trace list of "GET"s says
 * nothing. Such spans are named "METHOD /path", with the route when there is one, else the URL
 * path (`url.path`, or the older `http.target` / `http.url`) with id-like segments shown as
 * `{id}`; client spans get the server's host in front. Returns undefined to keep the sender's name.
 *
 * @example
 *   httpSpanName('GET', 2, { 'http.request.method': 'GET', 'url.path': '/users/42/orders' }) // 'GET /users/{id}/orders'
 */
export function httpSpanName(name: unknown, otlpKind: number, attributes: Attributes): string | undefined {
  if ((otlpKind !== 2 && otlpKind !== 3) || typeof name !== 'string' || !METHODS.has(name.trim().toUpperCase())) return undefined;
  const method = str(attributes['http.request.method']) ?? str(attributes['http.method']) ?? name.trim();
  const route = str(attributes['http.route']);
  if (route !== undefined) return `${method} ${route}`;
  const url = str(attributes['url.full']) ?? str(attributes['http.url']);
  let path = str(attributes['url.path']) ?? str(attributes['http.target'])?.split('?')[0];
  let host: string | undefined;
  if (url !== undefined) {
    try {
      const parsed = new URL(url);
      path ??= parsed.pathname;
      host = parsed.host;
    } catch {
      // Not a URL: keep what the other attributes give.
    }
  }
  if (path === undefined || path === '') return undefined;
  const template = path.split('/').map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment)).join('/');
  const server = otlpKind === 3 ? (str(attributes['server.address']) ?? host) : undefined;
  return `${method} ${server ?? ''}${template}`;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
