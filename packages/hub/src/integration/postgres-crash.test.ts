import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../testing/hub-process.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { postSpans, spanRecord } from '../testing/test-hub.js';

let server: PostgresServer;
const dataDir = mkdtempSync(join(tmpdir(), 'rh-pg-crash-'));
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a hub on PostgreSQL killed during ingest', () => {
  it('loses no acknowledged span (kill -9 with requests in flight), and a restarted hub serves them', async () => {
    const dbUrl = await server.createDatabase();
    const hub = await spawnHub(['--data', dataDir, '--db', dbUrl]);
    const acknowledged: string[] = [];
    let stop = false;
    // Three concurrent clients keep posting start and end records until the hub dies under them.
    const client = async () => {
      while (!stop) {
        const starts = Array.from({ length: 100 }, () => spanRecord({ service: 'pg-crash', endTime: undefined, status: 'unset' }));
        const ends = starts.map((s) => ({ ...s, endTime: (s.startTime as number) + 3, status: 'ok' }));
        try {
          const res = await postSpans(hub.url, [...starts, ...ends]);
          if (res.status === 200) {
            expect(((await res.json()) as { accepted: number }).accepted).toBe(200);
            acknowledged.push(...starts.map((s) => s.spanId as string));
          }
        } catch {
          return; // connection refused or reset: the hub is gone
        }
      }
    };
    const clients = [client(), client(), client()];
    while (acknowledged.length < 3_000) await new Promise((resolve) => setTimeout(resolve, 20));
    hub.proc.kill('SIGKILL');
    await hub.exited;
    stop = true;
    await Promise.all(clients);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ span_id: string; status: string }>("SELECT span_id, status FROM spans WHERE service = 'pg-crash'");
      const stored = new Map(rows.map((r) => [r.span_id, r.status]));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // Acknowledged means the end record is in too, not only the start.
      expect(acknowledged.filter((id) => stored.get(id) !== 'ok')).toEqual([]);
    } finally {
      await db.end();
    }
    const restarted = await spawnHub(['--data', dataDir, '--db', dbUrl]);
    try {
      const one = acknowledged[acknowledged.length - 1]!;
      const res = await fetch(`${restarted.url}/api/v1/spans/${one}`);
      expect(((await res.json()) as { span: { status: string } }).span.status).toBe('ok');
    } finally {
      restarted.proc.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
  }, 120_000);

  it('exits with status 1 and says why when the schema is newer than it knows', async () => {
    const dbUrl = await server.createDatabase();
    const first = await spawnHub(['--data', dataDir, '--db', dbUrl]);
    first.proc.kill('SIGTERM');
    await first.exited;
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    await db.query("INSERT INTO schema_version (version, name) VALUES (999, 'from a newer runtime-hub')");
    await db.end();
    const error = await spawnHub(['--data', dataDir, '--db', dbUrl]).then(
      () => undefined,
      (reason: Error) => reason,
    );
    expect(error?.message).toMatch(/exited with 1/);
    expect(error?.message).toMatch(/schema is at version 999, newer than the \d+ this runtime-hub knows/);
  }, 180_000); // two hub starts on PostgreSQL: ~6 s on an idle machine, over 60 s seen at load 20
});
