import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { registerExport } from './api/export-route.js';
import { registerHealth } from './api/health-route.js';
import { registerQueries } from './api/query-routes.js';
import { registerTraceOutline } from './api/trace-outline-route.js';
import { registerAgents } from './api/agents-route.js';
import { registerAnnotations } from './api/annotations-route.js';
import { DEFAULT_CONFIG, type HubConfig } from './config.js';
import type { HubContext } from './context.js';
import { registerAuth } from './http/auth.js';
import { registerBodyParsing } from './http/body.js';
import { drainConnections } from './http/drain-connections.js';
import { trackRunningHandlers } from './http/running-handlers.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/errors.js';
import { registerOriginGuard } from './http/origin-guard.js';
import { registerRouteSchemas } from './http/route-schemas.js';
import { createOriginPolicy, normalizeOrigin } from './http/origin-policy.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerClaudeHooks } from './ingest/claude/hooks-route.js';
import { registerJsonlWatch } from './ingest/jsonl/register.js';
import { createIngest, type IngestObserver, type SpanListener } from './ingest/ingest.js';
import { registerOtlp } from './ingest/otlp/otlp-route.js';
import { registerSpanIngest } from './ingest/spans-route.js';
import { socketAllowRequest } from './live/socket-auth.js';
import { LiveChannel } from './live/live-channel.js';
import { scheduleRetention } from './maintenance/retention.js';
import { registerHeartbeat } from './presence/heartbeat-route.js';
import { Presence } from './presence/presence.js';
import { Pricing } from './pricing/pricing.js';
import { openStorage } from './store/open-storage.js';
import type { SpanStore } from './store/store.js';
import { EmbeddedChangeFeed, type ChangeFeed } from './store/change-feed.js';
import { registerStaticSite } from './web/static-site.js';
import { registerWorkflows } from './workflows/register.js';
import { registerPlayground } from './playground/register.js';
import { registerAnalytics } from './analytics/register.js';
import { registerAlerts } from './alerts/register.js';
import { registerPrometheus } from './metrics-export/register.js';
import { registerReplay } from './replay/register.js';
import { registerMcp } from './mcp/mcp-route.js';
import { registerPlugins } from './plugins/register.js';

export interface Hub {
  app: FastifyInstance;
  ctx: HubContext;
  /** Starts listening; resolves to the base URL (with the real port when config.port was 0). */
  listen(): Promise<string>;
  /** Stops accepting, finishes in-flight requests, flushes live clients and closes the store. */
  close(): Promise<void>;
}

/** A feature of the hub: routes and listeners added to the app through the context. */
export type Feature = (app: FastifyInstance, ctx: HubContext) => void | Promise<void>;

/** How long close() lets requests in flight finish before it closes their connections. */
const SHUTDOWN_GRACE_MS = 3000;

/** Features in registration order. A new capability adds one line here. */
const FEATURES: Feature[] = [
  registerHealth,
  registerSpanIngest,
  registerHeartbeat,
  registerQueries,
  registerExport,
  registerTraceOutline, // GET /api/v1/traces/:id/outline: a huge trace without payloads, for the dashboard
  registerAgents, // GET /api/v1/agents: agent runs and sessions for the Agents view
  registerAnnotations, // /api/v1/spans/:id/annotations, /api/v1/annotations: bookmarks and notes on spans
  registerClaudeHooks, // POST /api/v1/hooks/claude: Claude Code hook events → spans
  registerJsonlWatch, // start --watch <dir>: tail *.jsonl trace files in-process
  registerOtlp, // POST /v1/traces (and --otlp-port): OTLP/HTTP JSON + protobuf → spans
  registerWorkflows, // projects, workflows, secrets, runs, /w/<project>/… : the workflow engine
  registerPlayground, // /api/v1/playground/…: re-run a recorded LLM call with edits (issue 12)
  registerAnalytics, // per-minute rollups of ended spans, GET /api/v1/metrics/… (docs/analytics.md)
  registerAlerts, // alert rules evaluated from rollups, webhook/mail/in-app notifications, /api/v1/alerts/… (after analytics)
  registerPrometheus, // GET /metrics: Prometheus text format (after analytics and alerts)
  registerReplay, // /api/v1/replay/…: recordings for `runtime-hub replay`, branches of a trace (docs/replay.md)
  registerMcp, // POST /mcp: Model Context Protocol tools over the query API (docs/mcp.md)
  registerPlugins, // plugins in their own threads: span analyzers, routes under /api/v1/plugins/<name>/, widgets (docs/plugins.md)
];

export async function createHub(partial: Partial<HubConfig> = {}, options: { store?: SpanStore; feed?: ChangeFeed } = {}): Promise<Hub> {
  const config: HubConfig = { ...DEFAULT_CONFIG, ...partial };
  const app = Fastify({
    logger: { level: config.logLevel },
    // One log line per request would cost more than ingesting its spans.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    forceCloseConnections: 'idle',
    // Errors answered before any handler still get `{ error: { code, message } }`.
    frameworkErrors,
    clientErrorHandler,
  });
  const onFeedError = (error: unknown) => app.log.error({ err: error }, 'change feed or a change listener failed');
  // The span store and its change feed (numbering, publishing, replaying changes): SQLite in the
  // data folder, or PostgreSQL shared by several hubs (--db). The live channel listens to the feed.
  const { store, feed } = options.store
    ? { store: options.store, feed: options.feed ?? new EmbeddedChangeFeed(options.store, onFeedError) }
    : await openStorage(config, onFeedError);
  const originPolicy = createOriginPolicy(config);
  const io = new SocketServer(app.server, {
    serveClient: false,
    maxHttpBufferSize: 1e6,
    allowRequest: socketAllowRequest(originPolicy, config.token),
    // Long-polling from an allowed origin needs CORS; WebSocket needs only the Origin check above.
    ...(config.allowedOrigins ? { cors: { origin: config.allowedOrigins.map(normalizeOrigin) } } : {}),
  });
  const live = new LiveChannel(io, feed);
  const presence = new Presence(store, (services) => live.emitApps(services));
  // Presence counts the feed's spans (every hub's, in scaled mode): apps online are the same on every hub.
  feed.onChanges((spans) => presence.onSpans(spans));
  // --redis: the hubs' Socket.IO servers share rooms and presence announcements (docs/scaling.md).
  // Loaded only for --redis: the embedded mode does not carry the Redis adapter in memory.
  const fanout = config.redisUrl ? (await import('./scaled/live-fanout.js')).attachRedisFanout(io, config.redisUrl, presence, app.log) : undefined;

  // LLM cost from data/prices.json and the user's <data>/prices.json (docs/pricing.md).
  const pricing = new Pricing({ dataDir: config.dataDir, log: app.log });
  const listeners: SpanListener[] = [(spans) => feed.publish(spans)];
  const ingestObservers: IngestObserver[] = [];
  const closeHooks: (() => Promise<void> | void)[] = [];
  const ctx: HubContext = {
    config,
    store,
    ingest: createIngest(store, listeners, { priceUsage: (usage, attributes) => pricing.apply(usage, attributes) }, ingestObservers),
    onSpans: (listener) => listeners.push(listener),
    onIngest: (observer) => ingestObservers.push(observer),
    live,
    feed,
    presence,
    log: app.log,
    onClose: (hook) => closeHooks.push(hook),
    startedAt: Date.now(),
  };

  const handlers = trackRunningHandlers(app); // what close() waits for before the features end their pools
  registerErrorHandling(app);
  registerSecurityHeaders(app);
  registerOriginGuard(app, originPolicy); // Host and Origin, in every mode, before auth
  registerAuth(app, config.token); // routes marked { config: { public: true } } (public workflows) answer without it
  registerBodyParsing(app);
  await registerRouteSchemas(app); // zod route schemas and GET /api/openapi.json; before any route
  for (const feature of FEATURES) await feature(app, ctx);
  await registerStaticSite(app, ctx);

  presence.start();
  const stopRetention = scheduleRetention(
    store,
    { retentionDays: config.retentionDays, maxDbMb: config.maxDbMb, intervalMs: config.retentionIntervalMs },
    app.log,
  );

  let closed: Promise<void> | undefined;
  return {
    app,
    ctx,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}`;
    },
    // The one close order, for every feature: (1) no new requests, those in flight answered while
    // every feature still has its pools and threads; (2) the features' background work (leadership,
    // leases, folding, NOTIFY listeners, engines) stops and each releases what it holds, newest
    // feature first (alerts before the analytics it reads); (3) the change feed, (4) the store.
    // Ending a feature's pool before (1) let a request still running hit an ended pool.
    close() {
      closed ??= (async () => {
        stopRetention();
        presence.stop();
        live.close();
        // io.close() closes the HTTP server too: bound the wait for keep-alive clients from here.
        const stopDraining = drainConnections(app.server, SHUTDOWN_GRACE_MS);
        try {
          await new Promise<void>((resolve) => void io.close(() => resolve()));
          await fanout?.close();
          await app.close();
        } finally {
          stopDraining();
        }
        // Handlers whose connections the grace closed are still running: let them finish (bounded).
        await handlers.settled(SHUTDOWN_GRACE_MS);
        for (const hook of closeHooks.reverse()) await hook();
        await feed.close();
        await store.close();
      })();
      return closed;
    },
  };
}
