import { join } from 'node:path';
import type { HubConfig } from '../config.js';
import { EmbeddedChangeFeed, type ChangeFeed } from './change-feed.js';
import { SqliteSpanStore } from './sqlite/sqlite-store.js';
import type { SpanStore } from './store.js';

export interface Storage {
  store: SpanStore;
  feed: ChangeFeed;
}

/** True for the URLs `--db` takes: `postgres://…` or `postgresql://…`. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The span store and change feed the configuration asks for: PostgreSQL shared by several hubs
 * when `dbUrl` is set (migrated at start; a newer schema refuses to start), else the embedded
 * SQLite file in the data folder.
 */
export async function openStorage(config: HubConfig, onError: (error: unknown) => void): Promise<Storage> {
  if (config.dbUrl) {
    if (!isPostgresUrl(config.dbUrl)) throw new Error(`--db: expected a postgres:// URL, got ${redactUrl(config.dbUrl)}`);
    // Loaded only for --db: the embedded mode does not carry the PostgreSQL driver in memory.
    const [{ PostgresSpanStore }, { PostgresChangeFeed }] = await Promise.all([import('./postgres/postgres-store.js'), import('./postgres/postgres-change-feed.js')]);
    const store = await PostgresSpanStore.open({ url: config.dbUrl });
    try {
      return { store, feed: await PostgresChangeFeed.open(store, config.dbUrl, onError) };
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const store = new SqliteSpanStore({ file: join(config.dataDir, 'hub.sqlite') });
  return { store, feed: new EmbeddedChangeFeed(store, onError) };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
