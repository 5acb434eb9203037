import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { migrate } from '../../store/postgres/migrate.js';
import { createPool } from '../../store/postgres/pool.js';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { FileAssistSettings } from './assist-settings.js';
import { assistSettingsCases } from './assist-settings-cases.js';
import { PostgresAssistSettings } from './postgres-assist-settings.js';

let server: PostgresServer | undefined;
afterAll(() => server?.close());

assistSettingsCases('file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-assist-'));
  return Promise.resolve({
    settings: new FileAssistSettings(dir),
    second: new FileAssistSettings(dir),
    close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});

assistSettingsCases('postgres', async () => {
  const url = await (server ??= await startPostgres()).createDatabase();
  const [pool, other] = [createPool(url, { max: 1 }), createPool(url, { max: 1 })];
  await migrate(pool);
  return {
    settings: new PostgresAssistSettings(pool),
    second: new PostgresAssistSettings(other),
    close: async () => {
      await pool.end();
      await other.end();
    },
  };
});
