import { existsSync, renameSync } from 'node:fs';
import type pg from 'pg';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { findSecretKey, loadSecretKey, SecretKeyError } from '../workflows/secrets/secret-key.js';
import { FilePlaygroundKeyRows } from './key-rows.js';
import { PlaygroundKeyStore, type CipherKey } from './key-store.js';

type Opener = Pick<HubContext, 'config' | 'log' | 'onClose'>;

const byContext = new WeakMap<Opener, Promise<PlaygroundKeyStore>>();

/**
 * The hub's playground key store, opened once per hub: the playground and AI-assisted building
 * both read it. `<data>/playground-keys.json`, or with `--db` the `playground_keys` table every hub
 * shares (the file's keys copied there first).
 */
export function playgroundKeysOf(ctx: Opener): Promise<PlaygroundKeyStore> {
  let keys = byContext.get(ctx);
  if (!keys) {
    keys = ctx.config.dbUrl ? openShared(ctx, ctx.config.dbUrl) : Promise.resolve(new PlaygroundKeyStore(new FilePlaygroundKeyRows(ctx.config.dataDir), async () => loadSecretKey(ctx.config.dataDir).key));
    byContext.set(ctx, keys);
  }
  return keys;
}

async function openShared(ctx: Opener, url: string): Promise<PlaygroundKeyStore> {
  const [{ openMigratedPool }, { PostgresPlaygroundKeyRows }] = await Promise.all([import('../store/postgres/migrate.js'), import('./postgres-key-rows.js')]);
  const pool = await openMigratedPool(url, { max: 2, applicationName: 'runtime-hub playground' });
  ctx.onClose(() => pool.end());
  const store = new PlaygroundKeyStore(new PostgresPlaygroundKeyRows(pool), await sharedCipherKey(pool, ctx.config.dataDir));
  const file = new FilePlaygroundKeyRows(ctx.config.dataDir);
  if (existsSync(file.file)) {
    try {
      const { copied, unreadable } = await store.copyMissing(file);
      retireImported(file.file);
      ctx.log.info({ copied, unreadable }, `playground: keys of ${file.file} copied to PostgreSQL (the file is now ${file.file}.imported)`);
    } catch (error) {
      // No usable key on this hub: the file stays, and is copied on a start with the hubs' key.
      ctx.log.warn({ error: (error as Error).message }, 'playground: the data folder\'s keys were not copied to PostgreSQL');
    }
  }
  return store;
}

/**
 * Scaled mode: the key every hub and worker holds (RUNTIME_HUB_SECRET_KEY, its file, or the
 * `<data>/secret.key` the first hub made), checked against the fingerprint the database records
 * before the first value is sealed or opened with it — a hub with another key would store keys no
 * other hub can read. A hub without the key, or with another, answers 400 saying what to set.
 */
async function sharedCipherKey(pool: pg.Pool, dataDir: string): Promise<CipherKey> {
  const { checkSharedKey } = await import('../workflows/secrets/shared-key.js');
  const key = findSecretKey(dataDir, { create: false });
  let checked = false;
  return async () => {
    if (!key) {
      throw new HubError('INVALID_REQUEST', 'this hub was started without the secret key the other hubs use, so it neither stores nor uses playground keys: give it RUNTIME_HUB_SECRET_KEY or RUNTIME_HUB_SECRET_KEY_FILE (docs/scaling.md, The secret key)');
    }
    if (!checked) {
      try {
        await checkSharedKey(pool, key, 'hub');
      } catch (error) {
        if (error instanceof SecretKeyError) throw new HubError('INVALID_REQUEST', error.message);
        throw error;
      }
      checked = true;
    }
    return key.key;
  };
}

/**
 * A file copied to PostgreSQL is renamed, never read again: a key deleted on another hub later
 * must not come back from this hub's old file at its next start. Hubs sharing one data folder and
 * starting together both copy it (nothing is overwritten); the later rename finds it gone.
 */
export function retireImported(file: string): void {
  try {
    renameSync(file, `${file}.imported`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
