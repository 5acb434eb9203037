import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every reply, sent as a header: a `<meta>` policy cannot say
 * `frame-ancestors`, so only the header stops another site from framing the dashboard (and
 * clickjacking its buttons). Scripts, styles and connections come from the hub itself only, so
 * even a rendering bug could not run a script that arrived inside a span payload, and a public
 * workflow that answers with HTML cannot run script on the hub's origin either.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    void reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-frame-options', 'DENY') // browsers without frame-ancestors
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
  });
}
