import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { runChangeFeedConformance } from '../change-feed-conformance.js';
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { PostgresSpanStore } from './postgres-store.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

// Each test: this hub's store and feed, and a second hub's store on the same database.
runChangeFeedConformance(
  'postgres',
  async () => {
    const url = await server.createDatabase();
    const store = await PostgresSpanStore.open({ url });
    const peer = await PostgresSpanStore.open({ url });
    const feed = await PostgresChangeFeed.open(store, url);
    return {
      store,
      feed,
      peer,
      async close() {
        await feed.close();
        await store.close();
        await peer.close();
      },
    };
  },
  { peers: true },
);
