import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The writer is held up by a real lock taken from outside (`hold`), so its queue stays deep for
 * as long as the test needs: the first batch is let in (nothing was queued), the next one is
 * pushed back with 429 and Retry-After and not stored; once the lock goes, both are stored.
 */
async function pushesBackWhileTheWriterIsBusy(t: TestHub, hold: () => Promise<() => Promise<void>>): Promise<void> {
  const first = Array.from({ length: 20 }, () => spanRecord({ service: 'busy' }));
  const second = Array.from({ length: 5 }, () => spanRecord({ service: 'busy' }));
  const release = await hold();
  const firstReply = postSpans(t.url, first);
  await until(() => t.hub.ctx.store.writeBacklog() === 20);
  const refused = await postSpans(t.url, second);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await refused.json()).toMatchObject({ error: { code: 'INGEST_BUSY', message: expect.stringContaining('20 spans') } });
  await release();
  expect((await firstReply).status).toBe(200);
  expect((await postSpans(t.url, second)).status).toBe(200);
  const stored = await fetch(`${t.url}/api/v1/spans?service=busy&limit=100`).then((r) => r.json() as Promise<{ spans: unknown[] }>);
  expect(stored.spans).toHaveLength(25);
  expect(t.hub.ctx.store.writeBacklog()).toBe(0);
}

describe('ingest pushes back when the writer queue is too deep', () => {
  it('SQLite: 429 with Retry-After while another connection holds the write lock', async () => {
    const t = await startTestHub({ maxWriteBacklog: 10 });
    try {
      await pushesBackWhileTheWriterIsBusy(t, async () => {
        const db = new Database(join(t.dataDir, 'hub.sqlite'));
        db.exec('BEGIN IMMEDIATE');
        return async () => {
          db.exec('COMMIT');
          db.close();
        };
      });
    } finally {
      await t.close();
    }
  }, 60_000);

  it('OTLP/HTTP too: /v1/traces answers 429 with Retry-After, which OTLP exporters retry after', async () => {
    const t = await startTestHub({ maxWriteBacklog: 10 });
    const db = new Database(join(t.dataDir, 'hub.sqlite'));
    try {
      db.exec('BEGIN IMMEDIATE');
      const held = postSpans(t.url, Array.from({ length: 20 }, () => spanRecord({ service: 'busy' })));
      await until(() => t.hub.ctx.store.writeBacklog() === 20);
      const now = BigInt(Date.now()) * 1_000_000n;
      const otlp = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otlp-busy' } }] },
            scopeSpans: [{ spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'op', startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n) }] }],
          },
        ],
      };
      const refused = await fetch(`${t.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(otlp) });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      db.exec('COMMIT');
      expect((await held).status).toBe(200);
    } finally {
      db.close();
      await t.close();
    }
  }, 60_000);

  it('PostgreSQL: 429 with Retry-After while another session holds the change counter', async () => {
    const t = await startTestHub({ dbUrl: await server.createDatabase(), maxWriteBacklog: 10 });
    try {
      await pushesBackWhileTheWriterIsBusy(t, async () => {
        const client = new pg.Client({ connectionString: t.hub.ctx.config.dbUrl });
        await client.connect();
        await client.query('BEGIN');
        await client.query('SELECT value FROM change_counter FOR UPDATE');
        return async () => {
          await client.query('COMMIT');
          await client.end();
        };
      });
    } finally {
      await t.close();
    }
  }, 60_000);
});
