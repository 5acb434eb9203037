import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';

/**
 * Serves the dashboard build with a fallback to index.html for client-side routes. Unknown API
 * paths stay JSON 404s. Without a build, a plain page says the hub runs and links to the API.
 */
export async function registerStaticSite(app: FastifyInstance, ctx: HubContext): Promise<void> {
  const root = ctx.config.webRoot;
  const hasBuild = root !== undefined && existsSync(join(root, 'index.html'));
  if (hasBuild) {
    // wildcard: files are looked up per request, not listed at start, so rebuilding the dashboard
    // while a hub runs serves the new build instead of 404s for its renamed assets.
    await app.register(fastifyStatic, { root, wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const isApi = path.startsWith('/api/') || path.startsWith('/v1/') || path.startsWith('/socket.io');
    // A missing file (a name with an extension) is a 404; any other path is a dashboard route.
    const isFile = /\.[a-z0-9]+$/i.test(path);
    if (isApi || isFile || request.method !== 'GET') {
      return reply.status(404).send(new HubError('NOT_FOUND', `no route ${request.method} ${path}`).toBody());
    }
    if (hasBuild) return reply.sendFile('index.html');
    return reply.type('text/html; charset=utf-8').send(PLACEHOLDER);
  });
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>runtime-hub</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>runtime-hub is running</h1>
<p>The dashboard is not built in this checkout. The API answers here:</p>
<ul>
<li><a href="/api/health">/api/health</a></li>
<li><a href="/api/v1/services">/api/v1/services</a></li>
<li><a href="/api/v1/traces">/api/v1/traces</a></li>
<li><a href="/api/v1/spans">/api/v1/spans</a></li>
<li><a href="/api/v1/errors">/api/v1/errors</a></li>
<li><a href="/api/v1/sessions">/api/v1/sessions</a></li>
</ul>
<p>Send spans with <code>POST /api/v1/spans</code>; see docs/api.md.</p>
</body></html>`;
