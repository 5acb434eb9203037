import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { pluginsFingerprintOf } from '../plugins/register.js';
import { HUB_VERSION } from '../version.js';

export function registerHealth(app: FastifyInstance, ctx: HubContext): void {
  app.get('/api/health', { schema: { tags: ['meta'], summary: 'Liveness, version, span count' } }, async () => ({
    status: 'ok',
    version: HUB_VERSION,
    uptimeS: Math.round((Date.now() - ctx.startedAt) / 1000),
    store: ctx.store.kind,
    spans: ctx.store.spanCount(),
    // Installed with each hub: differs between hubs that run different plugins (docs/scaling.md).
    plugins: pluginsFingerprintOf(ctx) ?? null,
  }));
}
