import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '@runtime-hub/protocol';

/** Cookie that lets a browser which opened `/?token=…` once use the dashboard afterwards. */
export const TOKEN_COOKIE = 'runtime_hub_token';

/** Compares secrets in constant time (over their hashes, so lengths leak nothing either). */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerOf(header: string | undefined): string | undefined {
  if (!header?.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim();
}

export function cookieToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without the hub token (public workflow endpoints check their own credential). */
    public?: boolean;
  }
}

/**
 * With a token configured, every HTTP request needs `Authorization: Bearer <token>` (or the cookie
 * set by visiting `/?token=<token>`). A wrong or missing token gets a bare 401. Only routes that
 * declare `config: { public: true }` are exempt — by route, not by path prefix, so a page that
 * merely looks like `/w/…` (the dashboard's fallback) still needs the token.
 */
export function registerAuth(app: FastifyInstance, token: string | undefined): void {
  if (!token) return;
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    if (request.routeOptions.config?.public === true) return;
    const queryToken = new URL(url, 'http://hub').searchParams.get('token') ?? undefined;
    if (request.method === 'GET' && queryToken !== undefined && tokenMatches(queryToken, token)) {
      // Trade the token in the address bar for an HttpOnly cookie and drop it from the URL.
      void reply
        .header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`)
        .redirect(url.replace(/([?&])token=[^&]*&?/, '$1').replace(/[?&]$/, ''));
      return reply;
    }
    const given = bearerOf(request.headers.authorization) ?? cookieToken(request.headers.cookie);
    if (!tokenMatches(given, token)) {
      void reply.status(401).send(new HubError('UNAUTHORIZED').toBody());
      return reply;
    }
  });
}
