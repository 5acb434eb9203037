import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { RollupAccumulator } from './rollup-accumulator.js';
import { DAY, type RollupStore } from './rollup-store.js';
import { SqliteRollupStore } from './sqlite/sqlite-rollup-store.js';

/** What other features (alerts, /metrics) use of analytics. */
export interface Analytics {
  store: RollupStore;
  /** Writes every span counted so far; resolves once they are queryable. */
  flush(): Promise<void>;
}

/** Minute rows are kept two days, hour rows 90 days; days stay. */
const KEEP_MINUTES_MS = 2 * DAY;
const KEEP_HOURS_MS = 90 * DAY;
const FLUSH_EVERY_MS = 1000;
const FOLD_EVERY_MS = 10 * 60_000;

const byContext = new WeakMap<HubContext, Analytics>();

/** The hub's analytics, when the feature is registered (and rollups are on). */
export function analyticsOf(ctx: HubContext): Analytics | undefined {
  return byContext.get(ctx);
}

/**
 * Rollups kept at ingest (docs/analytics.md): an ingest listener counts ended spans per minute and
 * series, a timer writes them to `<data>/analytics.sqlite` every second, another folds old minutes
 * into hours and days. `--no-rollups` (config.rollups = false) leaves all of it out.
 */
export function registerAnalytics(app: FastifyInstance, ctx: HubContext): void {
  if (ctx.config.rollups === false) return;
  const store = new SqliteRollupStore(join(ctx.config.dataDir, 'analytics.sqlite'));
  const accumulator = new RollupAccumulator(store);
  const flush = () => accumulator.flush();
  byContext.set(ctx, { store, flush });
  ctx.onSpans((spans) => accumulator.onSpans(spans));

  const report = (what: string) => (error: unknown) => ctx.log.warn({ err: error }, `analytics: ${what} failed`);
  const flushTimer = setInterval(() => void flush().catch(report('writing rollups')), FLUSH_EVERY_MS);
  const fold = () => {
    const now = Date.now();
    store.fold(now - KEEP_MINUTES_MS, now - KEEP_HOURS_MS).catch(report('folding rollups'));
  };
  const foldTimer = setInterval(fold, FOLD_EVERY_MS);
  flushTimer.unref();
  foldTimer.unref();
  fold();

  ctx.onClose(async () => {
    clearInterval(flushTimer);
    clearInterval(foldTimer);
    await flush().catch(report('writing rollups'));
    await store.close();
  });
  registerMetricsRoutes(app, store, flush);
}
