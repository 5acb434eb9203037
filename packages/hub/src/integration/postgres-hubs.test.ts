import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTestClient } from '../testing/live-client.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { postSpans, spanRecord, startTestHub } from '../testing/test-hub.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

/** Each delivered span once, cursors only growing: what a dashboard relies on. */
function expectExactlyOnce(client: LiveTestClient, sent: string[]): void {
  const ids = client.received.map((s) => s.spanId);
  expect(ids).toHaveLength(sent.length);
  expect(new Set(ids)).toEqual(new Set(sent));
  const seqs = client.received.map((s) => s.seq);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
}

describe('two hubs on one PostgreSQL', () => {
  it('a dashboard on either hub sees the spans ingested by both, exactly once and in seq order, also after moving to the other hub', async () => {
    const dbUrl = await server.createDatabase();
    const a = await startTestHub({ dbUrl });
    const b = await startTestHub({ dbUrl });
    try {
      const service = 'two-hubs';
      const onA = new LiveTestClient(a.url, { service });
      const onB = new LiveTestClient(b.url, { service });
      const mover = new LiveTestClient(a.url, { service });
      await Promise.all([onA, onB, mover].map((c) => c.until(() => c.historyDone)));
      const sent: string[] = [];
      let moved: LiveTestClient | undefined;
      const burst = async (url: string, batches: number) => {
        for (let i = 0; i < batches; i++) {
          const spans = Array.from({ length: 40 }, () => spanRecord({ service }));
          sent.push(...spans.map((s) => s.spanId as string));
          const res = await postSpans(url, spans);
          expect(res.status).toBe(200);
          if (url === b.url && i === 10) {
            // The dashboard's connection moves to the other hub mid-burst and resumes after its cursor.
            mover.close();
            moved = new LiveTestClient(b.url, { service });
            moved.received.push(...mover.received);
            moved.cursor = mover.cursor;
          }
        }
      };
      await Promise.all([burst(a.url, 25), burst(b.url, 25)]);
      for (const client of [onA, onB]) await client.until(() => client.received.length >= sent.length, 30_000);
      await moved!.until(() => moved!.received.length >= sent.length, 30_000);
      // A little longer: a duplicate would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expectExactlyOnce(onA, sent);
      expectExactlyOnce(onB, sent);
      expectExactlyOnce(moved!, sent);
      for (const client of [onA, onB, moved!]) client.close();
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);

  it('stores spans through either hub and reads them through the other', async () => {
    const dbUrl = await server.createDatabase();
    const a = await startTestHub({ dbUrl });
    const b = await startTestHub({ dbUrl });
    try {
      const span = spanRecord({ service: 'shared' });
      expect((await postSpans(a.url, [span])).status).toBe(200);
      const res = await fetch(`${b.url}/api/v1/spans/${span.spanId as string}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ span: { spanId: span.spanId, service: 'shared' } });
      expect(a.hub.ctx.store.kind).toBe('postgres');
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('refuses to start against a schema newer than it knows, saying so', async () => {
    const dbUrl = await server.createDatabase();
    const first = await startTestHub({ dbUrl });
    await first.close();
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    await client.query("INSERT INTO schema_version (version, name) VALUES (999, 'from a future runtime-hub')");
    await client.end();
    await expect(startTestHub({ dbUrl })).rejects.toThrow(/schema is at version 999, newer than the \d+ this runtime-hub knows/);
  }, 60_000);
});
