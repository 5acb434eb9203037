import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { analyticsOf } from '../analytics/register.js';
import type { HubContext } from '../context.js';
import { AlertEngine } from './alert-engine.js';
import { registerAlertRoutes } from './alert-routes.js';
import { AlertStore } from './alert-store.js';
import { onDeploymentHealth } from '../deploy/health-events.js';
import { deploymentHealthOf } from './events.js';
import { Notifier } from './notifier.js';

const EVALUATE_EVERY_MS = 15_000;

const stores = new WeakMap<HubContext, AlertStore>();

/** The hub's alert store, for /metrics (alerts firing). */
export function alertStoreOf(ctx: HubContext): AlertStore | undefined {
  return stores.get(ctx);
}

/**
 * Alerts (docs/analytics.md): rules in `<data>/alerts.sqlite`, evaluated every 15 s from rollups
 * (after analytics in FEATURES), on ingest for failed workflow runs, on each deployment health check;
 * notifications by webhook, mail and the dashboard.
 */
export function registerAlerts(app: FastifyInstance, ctx: HubContext): void {
  const options = ctx.config.alerts ?? {};
  const now = options.now ?? Date.now;
  const store = new AlertStore(join(ctx.config.dataDir, 'alerts.sqlite'));
  stores.set(ctx, store);
  const notifier = new Notifier({ smtpUrl: options.smtpUrl, mailFrom: options.mailFrom, log: ctx.log });
  const engine = new AlertEngine(store, notifier, { spans: ctx.store, analytics: analyticsOf(ctx), now });
  ctx.onSpans((spans) => engine.onSpans(spans));
  onDeploymentHealth(ctx, (event) => engine.onDeployment(deploymentHealthOf(event)));

  // A hub that starts with errors already stored knows their groups: only later ones are new.
  let ready = Promise.resolve();
  if (!store.hasSeenErrorGroups()) {
    ready = ctx.store
      .listErrorGroups({ bucketMs: 60_000, limit: 10_000 })
      .then((groups) => void store.markErrorGroups(groups.map((g) => g.id), now()))
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'alerts: reading known error groups failed'));
  }
  const tick = () =>
    void ready
      .then(() => engine.evaluate())
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'alerts: evaluation failed'));
  const timer = setInterval(tick, options.evaluateEveryMs ?? EVALUATE_EVERY_MS);
  timer.unref();

  ctx.onClose(async () => {
    clearInterval(timer);
    await ready;
    await engine.idle();
    await notifier.settle();
    notifier.close();
    store.close();
  });
  registerAlertRoutes(app, store, engine, now);
}
