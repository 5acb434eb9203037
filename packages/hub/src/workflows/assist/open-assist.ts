import { existsSync } from 'node:fs';
import type { HubContext } from '../../context.js';
import { playgroundKeysOf, retireImported } from '../../playground/open-key-store.js';
import { AssistProvider } from './assist-provider.js';
import { FileAssistSettings, type AssistSettingsStore } from './assist-settings.js';

type Opener = Pick<HubContext, 'config' | 'log' | 'onClose'>;

/**
 * AI-assisted building's provider: settings in `<data>/assist.json`, or with `--db` in the
 * `assist_settings` row every hub shares (the file's settings copied there first, when the database
 * has none); the key from the hub's playground key store.
 */
export async function openAssistProvider(ctx: Opener): Promise<AssistProvider> {
  const keys = await playgroundKeysOf(ctx); // with --db: after the schema is migrated
  return new AssistProvider(ctx.config.dbUrl ? await openShared(ctx, ctx.config.dbUrl) : new FileAssistSettings(ctx.config.dataDir), keys);
}

async function openShared(ctx: Opener, url: string): Promise<AssistSettingsStore> {
  const [{ openMigratedPool }, { PostgresAssistSettings }] = await Promise.all([import('../../store/postgres/migrate.js'), import('./postgres-assist-settings.js')]);
  const pool = await openMigratedPool(url, { max: 1, applicationName: 'runtime-hub assist' });
  ctx.onClose(() => pool.end());
  const shared = new PostgresAssistSettings(pool);
  const file = new FileAssistSettings(ctx.config.dataDir);
  const local = existsSync(file.file) ? await file.get() : undefined;
  if (local) {
    const copied = await shared.add(local);
    ctx.log.info({ copied }, `assist: ${copied ? 'settings' : 'nothing (the database has settings)'} copied from ${file.file} to PostgreSQL (the file is now ${file.file}.imported)`);
  }
  retireImported(file.file);
  return shared;
}
