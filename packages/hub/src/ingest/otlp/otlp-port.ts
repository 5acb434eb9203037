import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../../context.js';

const OTLP_PATH = '/v1/traces';
const OTLP_PATHS = new Set([OTLP_PATH, '/v1/logs']);
const urls = new WeakMap<FastifyInstance, string>();

/** The address of the extra OTLP port once it listens (tests use it with otlpPort: 0). */
export function otlpPortUrl(app: FastifyInstance): string | undefined {
  return urls.get(app);
}

/**
 * Serves `/v1/traces` and `/v1/logs` on a second port, so OpenTelemetry exporters configured with their default
 * endpoint (http://localhost:4318) reach the hub unchanged. Requests go through the hub's own
 * router (same body parsing, auth and ingest); every other path answers 404 here. It binds when
 * the hub becomes ready, so a port in use fails the hub's start with a clear error.
 */
export function startOtlpPort(app: FastifyInstance, ctx: HubContext, port: number): void {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== undefined && OTLP_PATHS.has(path)) {
      app.routing(req, res);
      return;
    }
    const body = new HubError('NOT_FOUND', `this port serves only POST /v1/traces and /v1/logs (OTLP/HTTP); the hub API is on port ${ctx.config.port}`).toBody();
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });

  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(`cannot listen for OTLP on ${ctx.config.host}:${port}: ${error.code ?? error.message}`, { cause: error })),
      );
      server.listen(port, ctx.config.host, () => resolve());
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const host = ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host;
    urls.set(app, `http://${host}:${bound}`);
    ctx.log.info({ url: `http://${host}:${bound}${OTLP_PATH}` }, 'OTLP/HTTP receiver listening');
  });

  // With the hub's own HTTP server (app.close()), before the features' close hooks end what its requests use.
  app.addHook(
    'preClose',
    () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  );
}
