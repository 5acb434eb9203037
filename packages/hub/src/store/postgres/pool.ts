import pg from 'pg';

const INT8 = 20;
const NUMERIC = 1700;

/**
 * bigint and numeric come back as numbers, not strings: ids, seqs and token sums stay far below
 * 2^53. Per pool, so nothing else in the process that uses pg is affected.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  /** Connections at most (default 10): reads run side by side, writes take one each. */
  max?: number;
  applicationName?: string;
}

/** A connection pool for a `postgres://` URL, answering numbers as numbers. */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    application_name: options.applicationName ?? 'runtime-hub',
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server dropped must not end the hub: the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one transaction on one connection; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
