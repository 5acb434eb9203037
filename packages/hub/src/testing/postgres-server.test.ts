import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './postgres-server.js';

describe('startPostgres', () => {
  it('starts a real server on a free port, creates databases and cleans up on close', async () => {
    const server = await startPostgres();
    const url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT 40 + 2 AS n');
    expect(rows[0]!.n).toBe(42);
    await client.end();
    expect(server.port).toBeGreaterThan(0);
    await server.close();
    const probe = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await expect(probe.connect()).rejects.toThrow();
  }, 60_000);
});
