import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { analyticsOf } from '../analytics/register.js';
import type { HubContext } from '../context.js';
import { AlertEngine } from './alert-engine.js';
import { registerAlertRoutes } from './alert-routes.js';
import type { AlertStore } from './alert-store.js';
import { onDeploymentHealth } from '../deploy/health-events.js';
import { deploymentHealthOf } from './events.js';
import { SOLE_HUB, type Leadership } from './leadership.js';
import type { PostgresAlertFollower } from './postgres-alert-follower.js';
import { Notifier } from './notifier.js';
import { SqliteAlertStore } from './sqlite-alert-store.js';

const EVALUATE_EVERY_MS = 15_000;

/** What /metrics reads of alerts: the count of firing alerts as of the last evaluation or change. */
export interface FiringCount {
  countFiring(): number;
}

const firingCounts = new WeakMap<HubContext, FiringCount>();

/** The hub's count of firing alerts, for /metrics. */
export function alertStoreOf(ctx: HubContext): FiringCount | undefined {
  return firingCounts.get(ctx);
}

/**
 * Where alerts live: PostgreSQL, shared by the hubs, with `--db` (one hub at a time evaluates:
 * the holder of an advisory lock, leadership.ts); else `<data>/alerts.sqlite` and this hub alone.
 * The PostgreSQL modules load only for `--db`.
 */
async function openAlerts(ctx: HubContext): Promise<{ store: AlertStore; leadership: Leadership; follow?: (engine: AlertEngine) => PostgresAlertFollower }> {
  if (ctx.config.dbUrl) {
    const [{ PostgresAlertStore }, { PostgresLeadership }, { PostgresAlertFollower }] = await Promise.all([
      import('./postgres-alert-store.js'),
      import('./postgres-leadership.js'),
      import('./postgres-alert-follower.js'),
    ]);
    const store = await PostgresAlertStore.open(ctx.config.dbUrl);
    const warn = (error: unknown) => ctx.log.warn({ err: error }, 'alerts: following the change feed failed');
    return { store, leadership: new PostgresLeadership(ctx.config.dbUrl), follow: (engine) => new PostgresAlertFollower(store.pool, ctx.feed, engine, warn, ctx.config.alerts?.now) };
  }
  return { store: new SqliteAlertStore(join(ctx.config.dataDir, 'alerts.sqlite')), leadership: SOLE_HUB };
}

/**
 * Alerts (docs/analytics.md): rules evaluated every 15 s from rollups (after analytics in FEATURES),
 * on committed spans for failed workflow runs and new error groups, on each deployment health check;
 * notifications by webhook, mail and the dashboard. With several hubs only the leader evaluates and
 * it follows the change feed (every hub's spans) instead of this hub's ingest.
 */
export async function registerAlerts(app: FastifyInstance, ctx: HubContext): Promise<void> {
  const options = ctx.config.alerts ?? {};
  const now = options.now ?? Date.now;
  const { store, leadership, follow } = await openAlerts(ctx);
  const warn = (what: string) => (error: unknown) => ctx.log.warn({ err: error }, `alerts: ${what} failed`);
  const notifier = new Notifier({ smtpUrl: options.smtpUrl, mailFrom: options.mailFrom, log: ctx.log });
  let firing = 0;
  firingCounts.set(ctx, { countFiring: () => firing });
  const countFiring = () => void store.countFiring().then((n) => (firing = n), warn('counting firing alerts'));
  const engine = new AlertEngine(store, notifier, { spans: ctx.store, analytics: analyticsOf(ctx), now, onError: warn('an event'), onChange: countFiring });

  // Several hubs: the leader follows the change feed from where the last leader stopped, and
  // deployment events of hubs that do not lead reach it through PostgreSQL (postgres-alert-follower.ts).
  const follower = follow?.(engine);
  if (follower) {
    ctx.feed.onChanges((spans) => follower.onChanges(spans));
    onDeploymentHealth(ctx, (event) => {
      if (event.changed) follower.onDeployment(deploymentHealthOf(event));
    });
  } else {
    ctx.onSpans((spans) => engine.onSpans(spans));
    onDeploymentHealth(ctx, (event) => engine.onDeployment(deploymentHealthOf(event)));
  }

  // A hub that starts with errors already stored knows their groups: only later ones are new.
  const ready = (async () => {
    await engine.reload();
    if (await store.hasSeenErrorGroups()) return;
    const groups = await ctx.store.listErrorGroups({ bucketMs: 60_000, limit: 10_000 });
    await store.markErrorGroups(groups.map((g) => g.id), now());
  })().catch(warn('reading rules and known error groups'));
  const evaluate = async () => {
    await ready;
    const leading = await leadership.isLeader();
    await follower?.lead(leading);
    if (leading) {
      await engine.evaluate();
      await follower?.checkpoint();
    } else countFiring(); // the leader's transitions, as seen from here
  };
  let ticking: Promise<void> | undefined;
  let closing = false;
  const tick = () => {
    // A slow tick (a loaded machine, a slow database) is not overlapped by the next; none starts
    // once the hub closes, and close waits for the one running.
    if (closing) return Promise.resolve();
    ticking ??= evaluate().finally(() => (ticking = undefined));
    return ticking;
  };
  const timer = setInterval(() => void tick().catch(warn('evaluation')), options.evaluateEveryMs ?? EVALUATE_EVERY_MS);
  timer.unref();
  const firstLead = ready
    .then(() => leadership.isLeader())
    .then((lead) => follower?.lead(lead))
    .catch(warn('taking the lead'));

  ctx.onClose(async () => {
    closing = true;
    clearInterval(timer);
    await firstLead;
    await ticking?.catch(() => undefined);
    follower?.close();
    await ready;
    await engine.idle();
    await notifier.settle();
    notifier.close();
    await leadership.close();
    await store.close();
  });
  registerAlertRoutes(app, store, engine, now);
}
