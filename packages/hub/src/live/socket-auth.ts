import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'socket.io';
import { bearerOf, cookieToken, tokenMatches } from '../http/auth.js';
import type { OriginPolicy } from '../http/origin-policy.js';

/**
 * The Engine.IO handshake guard (every transport, before any namespace or event exists): the
 * origin policy applies as for HTTP, and with a token configured the handshake itself must carry
 * it — an `Authorization: Bearer` header (Node: `extraHeaders`), the dashboard's cookie, or a
 * `token` query parameter (`io(url, { query: { token } })`). Refused handshakes get Engine.IO's 403.
 */
export function socketAllowRequest(policy: OriginPolicy, token: string | undefined): NonNullable<ServerOptions['allowRequest']> {
  return (req: IncomingMessage, callback) => {
    const refusal = policy.check(req.headers);
    if (refusal) return callback(refusal.code, false);
    if (token === undefined) return callback(null, true);
    const query = new URL(req.url ?? '/', 'http://hub').searchParams.get('token') ?? undefined;
    const given = bearerOf(req.headers.authorization) ?? cookieToken(req.headers.cookie) ?? query;
    if (tokenMatches(given, token)) return callback(null, true);
    callback('UNAUTHORIZED', false);
  };
}
