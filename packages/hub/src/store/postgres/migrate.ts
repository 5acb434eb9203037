import type pg from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.js';
import { createPool, type PoolOptions } from './pool.js';

/** The database was migrated by a newer runtime-hub: this one must not write to it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the PostgreSQL schema is at version ${found}, newer than the ${known} this runtime-hub knows: ` +
        'a newer runtime-hub migrated this database. Upgrade runtime-hub on this machine (or point --db at another database); ' +
        'it will not start against a schema it does not know',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Any number, the same for every hub: the session lock that lets one hub migrate at a time. */
const MIGRATION_LOCK = 7_414_100_214;

/**
 * Brings the database to the newest schema this hub knows, or refuses (SchemaTooNewError). Hubs
 * starting together take turns on an advisory lock, so each migration runs once; each one runs in
 * its own transaction together with its schema_version row. Returns the versions applied.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
    const current = rows[0]?.v ?? 0;
    const known = migrations.length > 0 ? migrations[migrations.length - 1]!.version : 0;
    if (current > known) throw new SchemaTooNewError(current, known);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/** A feature's own pool on `url`, the schema brought up to date first; the pool is ended when that fails. */
export async function openMigratedPool(url: string, options: PoolOptions): Promise<pg.Pool> {
  const pool = createPool(url, options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

export { LATEST_SCHEMA_VERSION };
