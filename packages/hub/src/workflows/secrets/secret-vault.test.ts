import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { PostgresRunStore } from '../store/postgres-run-store.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { PostgresSecretRows } from './postgres-secret-rows.js';
import { secretRowsCases } from './secret-cases.js';
import { SqliteSecretRows } from './secret-rows.js';
import { checkSharedKey } from './shared-key.js';
import { SecretVault } from './secret-vault.js';

let server: PostgresServer | undefined;
afterAll(() => server?.close());
const postgresUrl = async () => (server ??= await startPostgres()).createDatabase();

/** Swaps two rows' encrypted parts: a value moved to another name must not decrypt there. */
const SWAP = `UPDATE wf_secrets AS t SET iv = o.iv, tag = o.tag, ciphertext = o.ciphertext
  FROM wf_secrets AS o WHERE t.project = $1 AND o.project = t.project AND ((t.name = $2 AND o.name = $3) OR (t.name = $3 AND o.name = $2))`;

secretRowsCases('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-secrets-'));
  const file = join(dir, 'workflows.sqlite');
  const first = new SqliteRunStore(file, { backgroundCheckpoints: false });
  const second = new SqliteRunStore(file, { backgroundCheckpoints: false });
  return {
    rows: new SqliteSecretRows(first.db),
    second: new SqliteSecretRows(second.db),
    swap: async (project, a, b) => {
      // SQLite updates row by row (an UPDATE … FROM would read the first row's new value): read both, then write.
      const read = (name: string) => first.db.prepare('SELECT iv, tag, ciphertext FROM secrets WHERE project = ? AND name = ?').get(project, name) as { iv: Buffer; tag: Buffer; ciphertext: Buffer };
      const [x, y] = [read(a), read(b)];
      const write = first.db.prepare('UPDATE secrets SET iv = ?, tag = ?, ciphertext = ? WHERE project = ? AND name = ?');
      write.run(y.iv, y.tag, y.ciphertext, project, a);
      write.run(x.iv, x.tag, x.ciphertext, project, b);
    },
    close: async () => {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

secretRowsCases('postgres', async () => {
  const url = await postgresUrl();
  const store = await PostgresRunStore.open({ url });
  const rows = await PostgresSecretRows.open(store.pool, url);
  const second = await PostgresSecretRows.open(store.pool, url);
  return {
    rows,
    second,
    swap: async (project, a, b) => void (await store.pool.query(SWAP, [project, a, b])),
    close: async () => {
      await rows.close();
      await second.close();
      await store.close();
    },
  };
});

describe('the shared secret key (scaled mode)', () => {
  it('records the first key, refuses another one, and a process without a key once secrets exist', async () => {
    const url = await postgresUrl();
    const store = await PostgresRunStore.open({ url });
    try {
      const key = { key: randomBytes(32), source: 'RUNTIME_HUB_SECRET_KEY' };
      await checkSharedKey(store.pool, undefined, 'worker'); // nothing stored yet: a worker needs no key
      await checkSharedKey(store.pool, key, 'hub');
      await checkSharedKey(store.pool, key, 'worker');
      await expect(checkSharedKey(store.pool, { key: randomBytes(32), source: '/run/secrets/key' }, 'hub')).rejects.toThrow(/from \/run\/secrets\/key is not the key/);
      // Without a key and without secrets a process starts (it can store none).
      await checkSharedKey(store.pool, undefined, 'hub');
      await checkSharedKey(store.pool, undefined, 'worker');
      const rows = await PostgresSecretRows.open(store.pool, url);
      await new SecretVault(rows, key.key).put('p', 'A', 'value');
      await rows.close();
      await expect(checkSharedKey(store.pool, undefined, 'hub')).rejects.toThrow(/holds workflow secrets and this hub has no secret key: .*RUNTIME_HUB_SECRET_KEY/);
      const refused = await checkSharedKey(store.pool, undefined, 'worker').then(() => undefined, (error: Error) => error.message);
      expect(refused).toMatch(/holds workflow secrets and this worker has no secret key/);
      expect(refused).not.toContain(key.key.toString('base64'));
    } finally {
      await store.close();
    }
  }, 60_000);

  it('tells every process of a change without an explicit re-read (LISTEN/NOTIFY)', async () => {
    const url = await postgresUrl();
    const store = await PostgresRunStore.open({ url });
    const [a, b] = [await PostgresSecretRows.open(store.pool, url), await PostgresSecretRows.open(store.pool, url)];
    try {
      const key = randomBytes(32);
      await new SecretVault(a, key).put('p', 'TOKEN', 'fresh');
      const seen = new SecretVault(b, key);
      for (let i = 0; i < 200 && seen.values('p').TOKEN !== 'fresh'; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(seen.values('p')).toEqual({ TOKEN: 'fresh' });
    } finally {
      await a.close();
      await b.close();
      await store.close();
    }
  }, 60_000);
});
