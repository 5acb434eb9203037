import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedChangeFeed } from './change-feed.js';
import { runChangeFeedConformance } from './change-feed-conformance.js';
import { SqliteSpanStore } from './sqlite/sqlite-store.js';

runChangeFeedConformance(
  'embedded (SQLite)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-feed-'));
    const store = new SqliteSpanStore({ file: join(dir, 'hub.sqlite') });
    const feed = new EmbeddedChangeFeed(store);
    return Promise.resolve({
      store,
      feed,
      async close() {
        await feed.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
  { peers: false },
);
