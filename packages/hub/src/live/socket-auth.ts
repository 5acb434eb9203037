import type { Namespace, Server } from 'socket.io';
import { bearerOf, cookieToken, tokenMatches } from '../http/auth.js';

/**
 * With a token configured, a Socket.IO client must present it: in the `auth` field
 * (`io(url, { auth: { token } })`), an Authorization header, or the dashboard's cookie.
 */
export function authorizeSockets(io: Server, token: string | undefined): void {
  if (!token) return;
  const check = (auth: Record<string, unknown>, headers: Record<string, string | string[] | undefined>) => {
    const given =
      (typeof auth.token === 'string' ? auth.token : undefined) ??
      bearerOf(typeof headers.authorization === 'string' ? headers.authorization : undefined) ??
      cookieToken(typeof headers.cookie === 'string' ? headers.cookie : undefined);
    return tokenMatches(given, token);
  };
  const guard = (nsp: Namespace) =>
    nsp.use((socket, next) => {
      if (check(socket.handshake.auth, socket.handshake.headers)) next();
      else next(new Error('unauthorized'));
    });
  // Every namespace, those that exist now and those features create later.
  guard(io.of('/'));
  guard(io.of('/live'));
  io.on('new_namespace', guard);
}
