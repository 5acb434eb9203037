import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { migrate } from '../store/postgres/migrate.js';
import { createPool } from '../store/postgres/pool.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { FilePlaygroundKeyRows } from './key-rows.js';
import { keyRowsCases } from './key-rows-cases.js';
import { PostgresPlaygroundKeyRows } from './postgres-key-rows.js';

let server: PostgresServer | undefined;
afterAll(() => server?.close());

keyRowsCases('file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-playground-keys-'));
  const rows = new FilePlaygroundKeyRows(dir);
  return Promise.resolve({
    rows,
    second: new FilePlaygroundKeyRows(dir),
    rebind: (name, baseUrl) => {
      const all = JSON.parse(readFileSync(rows.file, 'utf8')) as Record<string, { baseUrl?: string }>;
      all[name]!.baseUrl = baseUrl;
      writeFileSync(rows.file, JSON.stringify(all));
      return Promise.resolve();
    },
    raw: () => Promise.resolve(readFileSync(rows.file, 'utf8')),
    close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});

keyRowsCases('postgres', async () => {
  const url = await (server ??= await startPostgres()).createDatabase();
  const pool = createPool(url, { max: 2 });
  await migrate(pool);
  const other = createPool(url, { max: 1 });
  return {
    rows: new PostgresPlaygroundKeyRows(pool),
    second: new PostgresPlaygroundKeyRows(other),
    rebind: async (name, baseUrl) => void (await pool.query('UPDATE playground_keys SET base_url = $2 WHERE name = $1', [name, baseUrl])),
    raw: async () => JSON.stringify((await pool.query("SELECT name, base_url, encode(iv, 'escape') AS iv, encode(ciphertext, 'escape') AS c, encode(ciphertext, 'base64') AS b FROM playground_keys")).rows),
    close: async () => {
      await pool.end();
      await other.end();
    },
  };
});
