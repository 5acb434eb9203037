import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { ANNOTATION_LIMITS } from '../store/annotations.js';
import type { Finding } from './plugin-api.js';
import { DEFAULT_PLUGIN_LIMITS, PluginBatch, PluginHost, type PluginStatus } from './plugin-host.js';
import { pluginDigest, pluginSetFingerprint } from './plugin-fingerprint.js';
import { findPluginSources } from './plugin-sources.js';

/** Findings stored per batch of one plugin; more are counted, not stored (a noisy plugin cannot flood the writer). */
const MAX_FINDINGS_PER_BATCH = 100;

const PluginParams = z.object({ name: z.string(), route: z.string() });

const fingerprints = new WeakMap<HubContext, string>();

/** The hub's plugin set as one value (plugin-fingerprint.ts), for `/api/health`; undefined before plugins register. */
export function pluginsFingerprintOf(ctx: HubContext): string | undefined {
  return fingerprints.get(ctx);
}

function validFinding(f: Finding): boolean {
  return (
    typeof f?.spanId === 'string' && /^[0-9a-f]{16}$/.test(f.spanId) &&
    typeof f.traceId === 'string' && /^[0-9a-f]{32}$/.test(f.traceId) &&
    typeof f.label === 'string' && typeof f.text === 'string' &&
    (f.score === undefined || (typeof f.score === 'number' && Number.isFinite(f.score)))
  );
}

/**
 * Plugins (docs/plugins.md): loads them at start, each in its own thread, feeds them stored spans
 * (never on the ingest path: `offer` only queues), stores their findings as notes on the spans,
 * lists them at `GET /api/v1/plugins` and forwards `/api/v1/plugins/<name>/…` to their routes.
 */
export function registerPlugins(app: FastifyInstance, ctx: HubContext): void {
  const { sources, problems } = findPluginSources(ctx.config.plugins ?? [], ctx.config.dataDir);
  const limits = { ...DEFAULT_PLUGIN_LIMITS, ...ctx.config.pluginLimits };
  const rejected: PluginStatus[] = problems.map((p) => ({
    name: '',
    source: p.source,
    state: 'disabled',
    error: p.error,
    routes: [],
    widgets: [],
    stats: { batches: 0, spans: 0, findings: 0, droppedSpans: 0, lastBatchMs: null },
    log: [],
  }));

  const store = (findings: Finding[], status: PluginStatus) => {
    const valid = findings.filter(validFinding);
    const kept = valid.slice(0, MAX_FINDINGS_PER_BATCH);
    status.stats.findings -= findings.length - kept.length;
    for (const f of kept) {
      ctx.store
        .addAnnotation({
          spanId: f.spanId,
          traceId: f.traceId,
          kind: 'note',
          label: `plugin:${status.name}: ${f.label}`.slice(0, ANNOTATION_LIMITS.labelChars),
          text: f.text.slice(0, ANNOTATION_LIMITS.textBytes / 4),
          ...(f.score !== undefined ? { score: f.score } : {}),
        })
        .catch((error: unknown) => ctx.log.warn({ err: error, plugin: status.name }, 'plugin finding not stored'));
    }
  };

  const hosts = sources.map((source) => new PluginHost(source, store, limits));
  const digests = sources.map(pluginDigest);
  const fingerprint = pluginSetFingerprint(sources.map((s, i) => ({ source: s.source, digest: digests[i]! })), problems);
  fingerprints.set(ctx, fingerprint);
  for (const host of hosts) {
    void host.start().then(() => {
      // Two modules claiming one name: the one listed first keeps it, whichever started first.
      const sameName = hosts.filter((h) => h.status.state === 'running' && h.status.name === host.status.name);
      for (const extra of sameName.slice(1)) extra.disable(`the name "${extra.status.name}" is already used by ${sameName[0]!.status.source}`);
      if (host.status.state === 'disabled') ctx.log.warn({ plugin: host.status.source, reason: host.status.error }, 'plugin disabled');
      else ctx.log.info({ plugin: host.status.name, source: host.status.source }, 'plugin running');
    });
  }
  if (hosts.length > 0) ctx.onSpans((spans) => {
    const batch = new PluginBatch(spans);
    for (const host of hosts) host.offer(batch);
  });
  ctx.onClose(async () => {
    await Promise.all(hosts.map((host) => host.close()));
  });

  app.get('/api/v1/plugins', { schema: { tags: ['plugins'], summary: 'Loaded plugins: state (running, disabled with the reason), routes, widgets, counters; digests of module and settings' } }, () => ({
    plugins: [...hosts.map((h, i) => ({ ...h.status, digest: digests[i] })), ...rejected],
    // Hubs behind a load balancer should all show the same (docs/scaling.md: plugins are per hub).
    fingerprint,
  }));

  const forward = async (method: 'GET' | 'POST', request: { params: unknown; query: unknown; body?: unknown }) => {
    const params = PluginParams.parse(request.params);
    const host = hosts.find((h) => h.status.name === params.name);
    if (!host) throw new HubError('PLUGIN_NOT_FOUND', `no plugin named "${params.name}" is loaded (GET /api/v1/plugins lists them)`);
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) if (typeof value === 'string') query[key] = value;
    return host.request({ method, path: `/${params.route}`, query, body: request.body ?? null });
  };
  app.get('/api/v1/plugins/:name/:route', { schema: { tags: ['plugins'], summary: "A plugin's own GET route" } }, async (request, reply) => {
    const { status, body } = await forward('GET', request);
    return reply.status(status).send(body);
  });
  app.post('/api/v1/plugins/:name/:route', { schema: { tags: ['plugins'], summary: "A plugin's own POST route" } }, async (request, reply) => {
    const { status, body } = await forward('POST', request);
    return reply.status(status).send(body);
  });
}
