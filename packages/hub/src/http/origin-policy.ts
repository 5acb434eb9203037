import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '@runtime-hub/protocol';

/**
 * Who may talk to the hub from a browser. Two checks, in every mode (loopback or not, token or
 * not), for HTTP and for the Socket.IO handshake alike:
 *
 * - **Host** (DNS rebinding): a page on `evil.example` whose name is re-pointed at 127.0.0.1 sends
 *   `Host: evil.example`. Only names that cannot be re-pointed pass: IP literals, `localhost`, the
 *   bound host and the configured `allowedHosts` (plus the host names of `allowedOrigins`).
 * - **Origin** (cross-site reads and writes): a browser names the page's origin on every
 *   cross-origin request and WebSocket. Only the hub's own origin (`http://` + the checked Host,
 *   i.e. the page was served by this hub) and the configured `allowedOrigins` pass. A request
 *   without Origin (curl, SDKs, exporters, a navigation) passes; a non-navigation request that the
 *   browser marks cross-site (`Sec-Fetch-Site`) without an Origin does not.
 */
export interface OriginPolicy {
  /** Undefined when the request may proceed; otherwise the code and message to refuse it with. */
  check(headers: IncomingHttpHeaders): Refusal | undefined;
  /** An Origin the user allowed explicitly (it gets CORS headers), or undefined. */
  configuredOrigin(origin: string | undefined): string | undefined;
}

export interface Refusal {
  code: Extract<ErrorCode, 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED'>;
  message: string;
}

export interface OriginPolicyConfig {
  /** The address the hub binds. */
  host: string;
  /** Extra names the hub answers to (e.g. behind a reverse proxy): `hub.example.com`. */
  allowedHosts?: readonly string[];
  /** Browser origins besides the hub's own that may call it: `https://ops.example.com`. */
  allowedOrigins?: readonly string[];
}

export function createOriginPolicy(config: OriginPolicyConfig): OriginPolicy {
  const origins = new Set((config.allowedOrigins ?? []).map(normalizeOrigin));
  const hosts = new Set(['localhost', config.host.toLowerCase(), ...(config.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  for (const origin of origins) hosts.add(new URL(origin).hostname);

  const hostAllowed = (hostname: string): boolean => hosts.has(hostname) || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;

  return {
    check(headers) {
      const hostHeader = headers.host?.toLowerCase();
      // HTTP/1.0 may omit Host; browsers never do, so nothing to rebind.
      if (hostHeader !== undefined) {
        const hostname = hostnameOf(hostHeader);
        if (hostname === undefined || !hostAllowed(hostname)) {
          return {
            code: 'HOST_NOT_ALLOWED',
            message: `the Host header ${JSON.stringify(hostHeader.slice(0, 200))} is not a name of this hub; add it with --allow-host`,
          };
        }
      }
      const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
      if (origin !== undefined) {
        const own = hostHeader !== undefined && (origin.toLowerCase() === `http://${hostHeader}` || origin.toLowerCase() === `https://${hostHeader}`);
        if (own || origins.has(normalizeOriginOrEmpty(origin))) return undefined;
        return {
          code: 'ORIGIN_NOT_ALLOWED',
          message: `requests from the web page origin ${JSON.stringify(origin.slice(0, 200))} are not allowed; add it with --allow-origin`,
        };
      }
      const site = headers['sec-fetch-site'];
      if ((site === 'cross-site' || site === 'same-site') && headers['sec-fetch-mode'] !== 'navigate') {
        return { code: 'ORIGIN_NOT_ALLOWED', message: 'requests from another web site are not allowed; add its origin with --allow-origin' };
      }
      return undefined;
    },
    configuredOrigin(origin) {
      if (origin === undefined) return undefined;
      return origins.has(normalizeOriginOrEmpty(origin)) ? origin : undefined;
    },
  };
}

/** `scheme://host[:port]` in lower case, default ports dropped; throws on anything else. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`${JSON.stringify(origin)} is not an origin (expected scheme://host[:port], e.g. https://ops.example.com)`);
  }
  return url.origin;
}

function normalizeOriginOrEmpty(origin: string): string {
  try {
    return normalizeOrigin(origin);
  } catch {
    return '';
  }
}

/** The host name of a Host header (`name`, `name:port`, `[v6]:port`), or undefined if malformed. */
function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}/`).hostname;
  } catch {
    return undefined;
  }
}
