import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnThread } from '../../threads/spawn.js';
import { ThreadPool } from '../../threads/thread-pool.js';
import type { BreakdownQuery, BreakdownRow, MetricsFilter, MetricsSeries, MetricsTotals, RollupDelta, RollupStore } from '../rollup-store.js';
import type { RollupRequest } from './rollup-thread.js';

type Request = RollupRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The SQLite rollup store: one thread (rollup-thread.ts) owns the connection and runs writes, pruning
 * and queries in order. A query delays a flush by its own length at most; ingest never waits on it.
 */
export class SqliteRollupStore implements RollupStore {
  private readonly pool: ThreadPool<Request>;
  private closed = false;

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.pool = new ThreadPool<Request>({
      // A small heap: the thread holds a second of deltas or one query's groups, and every MB of
      // young generation it does not reserve is a MB less of hub RSS.
      spawn: () => spawnThread(import.meta.url, 'rollup-thread', { file }, { resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 96 } }),
      size: 1,
      name: 'analytics',
      closedMessage: 'analytics store is closed',
    });
  }

  private run(request: Request): Promise<unknown> {
    return this.pool.run(request);
  }

  async add(deltas: readonly RollupDelta[]): Promise<void> {
    if (deltas.length > 0) await this.run({ op: 'add', args: [deltas] });
  }

  prune(now: number): Promise<number> {
    return this.run({ op: 'prune', args: [now] }) as Promise<number>;
  }

  series(filter: MetricsFilter, step: number): Promise<MetricsSeries> {
    return this.run({ op: 'series', args: [filter, step] }) as Promise<MetricsSeries>;
  }

  totals(filter: MetricsFilter): Promise<MetricsTotals> {
    return this.run({ op: 'totals', args: [filter] }) as Promise<MetricsTotals>;
  }

  breakdown(query: BreakdownQuery): Promise<BreakdownRow[]> {
    return this.run({ op: 'breakdown', args: [query] }) as Promise<BreakdownRow[]>;
  }

  sizeBytes(): number {
    let bytes = 0;
    for (const path of [this.file, `${this.file}-wal`]) {
      try {
        bytes += statSync(path).size;
      } catch {
        // not created yet
      }
    }
    return bytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.run({ op: 'close', args: [] }).catch(() => undefined);
    await this.pool.close();
  }
}
