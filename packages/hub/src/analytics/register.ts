import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { RollupAccumulator } from './rollup-accumulator.js';
import type { RollupStore } from './rollup-store.js';
import { SqliteRollupStore } from './sqlite/sqlite-rollup-store.js';

/** What other features (alerts, /metrics) use of analytics. */
export interface Analytics {
  store: RollupStore;
  /** Writes every span counted so far; resolves once they are queryable. */
  flush(): Promise<void>;
}

const FLUSH_EVERY_MS = 1000;
const PRUNE_EVERY_MS = 10 * 60_000;

const byContext = new WeakMap<HubContext, Analytics>();

/** The hub's analytics, when the feature is registered (and rollups are on). */
export function analyticsOf(ctx: HubContext): Analytics | undefined {
  return byContext.get(ctx);
}

/**
 * The rollup store `--db` asks for: with a PostgreSQL URL the tables every hub adds to (loaded only
 * then, like the rest of the scaled mode), else `<data>/analytics.sqlite`.
 */
async function openRollupStore(ctx: HubContext): Promise<RollupStore> {
  if (ctx.config.dbUrl) {
    const { PostgresRollupStore } = await import('./postgres/postgres-rollup-store.js');
    return PostgresRollupStore.open(ctx.config.dbUrl);
  }
  return new SqliteRollupStore(join(ctx.config.dataDir, 'analytics.sqlite'));
}

/**
 * Rollups kept at ingest (docs/analytics.md): an ingest listener counts ended spans per minute and
 * series, a timer writes them to `<data>/analytics.sqlite` every second (one row per tier: minute,
 * 10 minutes, hour, day) — or, in scaled mode, to PostgreSQL, where every hub adds its own — another
 * prunes each tier past its retention. `--no-rollups`
 * (config.rollups = false) leaves all of it out.
 */
export async function registerAnalytics(app: FastifyInstance, ctx: HubContext): Promise<void> {
  if (ctx.config.rollups === false) return;
  const store = await openRollupStore(ctx);
  const accumulator = new RollupAccumulator(store);
  const flush = () => accumulator.flush();
  byContext.set(ctx, { store, flush });
  ctx.onSpans((spans) => accumulator.onSpans(spans));

  const report = (what: string) => (error: unknown) => ctx.log.warn({ err: error }, `analytics: ${what} failed`);
  const flushTimer = setInterval(() => void flush().catch(report('writing rollups')), FLUSH_EVERY_MS);
  const prune = () => void store.prune(Date.now()).catch(report('pruning rollups'));
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  flushTimer.unref();
  pruneTimer.unref();
  prune();

  ctx.onClose(async () => {
    clearInterval(flushTimer);
    clearInterval(pruneTimer);
    await flush().catch(report('writing rollups'));
    await store.close();
  });
  registerMetricsRoutes(app, store, flush);
}
