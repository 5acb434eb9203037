import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '@runtime-hub/protocol';
import type { HubConfig } from '../config.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { startRedisServer, type RedisTestServer } from '../testing/redis-server.js';
import { hexId, startTestHub } from '../testing/test-hub.js';
import { PostgresRunStore } from './store/postgres-run-store.js';
import { SqliteRunStore } from './store/sqlite-run-store.js';
import { apiClient, eventually } from './testing.js';

const DAY = 86_400_000;
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

function run(status: RunRecord['status'], createdAt: number): RunRecord {
  const id = hexId(32);
  return { id, project: 'kept', workflow: 'w', version: 1, status, trigger: { type: 'manual', body: {} }, createdAt, startedAt: createdAt, endedAt: createdAt + 5, traceId: id, spanId: hexId(16), rootRunId: id, depth: 0 };
}

/** Where a hub keeps its runs: the data folder's SQLite file, or PostgreSQL in scaled mode. */
const stores: { name: string; open(dataDir: string): Promise<{ seed(runs: RunRecord[]): Promise<void>; config: Partial<HubConfig> }> }[] = [
  {
    name: 'sqlite',
    open: async (dataDir) => ({
      seed: async (runs) => {
        const store = new SqliteRunStore(join(dataDir, 'workflows.sqlite'), { backgroundCheckpoints: false });
        await store.commit({ runs });
        await store.close();
      },
      config: {},
    }),
  },
  {
    name: 'postgres',
    open: async () => {
      const [postgres, redis]: [PostgresServer, RedisTestServer] = await Promise.all([startPostgres(), startRedisServer()]);
      servers.push(postgres, redis);
      const dbUrl = await postgres.createDatabase();
      return {
        seed: async (runs) => {
          const store = await PostgresRunStore.open({ url: dbUrl });
          await store.commit({ runs });
          await store.close();
        },
        config: { dbUrl, redisUrl: redis.url },
      };
    },
  },
];

describe.each(stores)('run retention with --retention-days ($name)', ({ open }) => {
  it('deletes finished runs older than the retention and keeps the newer ones', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rh-retention-'));
    try {
      const { seed, config } = await open(dataDir);
      const now = Date.now();
      const old = [run('succeeded', now - 10 * DAY), run('failed', now - 8 * DAY)];
      const recent = run('succeeded', now - 2 * DAY);
      await seed([...old, recent]);
      const hub = await startTestHub({ ...config, dataDir, retentionDays: 7 });
      try {
        const api = apiClient(hub.url);
        const ids = await eventually(async () => {
          const { body } = await api('GET', '/api/v1/runs?limit=50');
          const listed = (body.runs as RunRecord[]).map((r) => r.id);
          return listed.length === 1 ? listed : undefined;
        }, 30_000, 'the old runs to be pruned');
        expect(ids).toEqual([recent.id]);
      } finally {
        await hub.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
