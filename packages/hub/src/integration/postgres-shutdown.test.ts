import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../testing/hub-process.js';
import { keyFingerprint } from '../workflows/secrets/shared-key.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { postSpans, spanRecord } from '../testing/test-hub.js';

let server: PostgresServer;
const dataDir = mkdtempSync(join(tmpdir(), 'rh-pg-shutdown-'));
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Requests that each read or write through a feature's own PostgreSQL pool (and the span store's). */
const READS = ['/api/v1/playground/keys', '/api/v1/alerts/rules', '/api/v1/alerts', '/api/v1/metrics/series', '/api/v1/deployments', '/api/v1/traces?limit=20'];

describe('a hub on PostgreSQL shut down while requests are in flight', () => {
  it('answers each request or closes its connection, logs no pool error and exits 0', async () => {
    const dbUrl = await server.createDatabase();
    const env = { RUNTIME_HUB_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') };
    const hub = await spawnHub(['--data', dataDir, '--db', dbUrl, '--log-level', 'info'], env, 60_000);
    let log = '';
    hub.proc.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));

    // Every pool in use once, so a request during shutdown finds each of them open with connections.
    const put = await fetch(`${hub.url}/api/v1/playground/keys/shutdown-test`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'sk-test-shutdown' }) });
    expect(put.status).toBe(200);
    expect((await postSpans(hub.url, [spanRecord({ service: 'closing-app' })])).status).toBe(200);
    for (const path of READS) expect((await fetch(`${hub.url}${path}`)).status, path).toBe(200);

    // Clients that always have requests in flight, one per path and two posting spans, until the
    // hub stops taking them.
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let stopped = false;
    const client = async (send: () => Promise<Response>) => {
      while (!stopped) {
        try {
          const res = await send();
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        } catch (error) {
          failures.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
          return; // refused or reset: the hub has closed this client's connection
        }
      }
    };
    const clients = [
      ...READS.map((path) => client(() => fetch(`${hub.url}${path}`))),
      ...[1, 2].map(() => client(() => postSpans(hub.url, Array.from({ length: 50 }, () => spanRecord({ service: 'closing-app' }))))),
    ];
    while ([...statuses.values()].reduce((a, b) => a + b, 0) < 40) await new Promise((resolve) => setTimeout(resolve, 20));

    hub.proc.kill('SIGTERM');
    const code = await hub.exited;
    stopped = true;
    await Promise.all(clients);

    expect(code).toBe(0);
    // An answer is a success or the 503 of a server that is closing, never a 500 from an ended pool.
    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    // A closed connection is all a client may see otherwise.
    expect(failures.filter((f) => !/ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|EPIPE|other side closed|fetch failed/.test(f))).toEqual([]);
    const output = log + hub.stderr();
    expect(output).not.toMatch(/Cannot use a pool after calling end/);
    expect(output).not.toMatch(/unhandled|"level":50|"level":60/i);
  }, 120_000);

  it('lets a handler whose connection the grace closed finish before the features end their pools', async () => {
    const dbUrl = await server.createDatabase();
    const secretKey = Buffer.alloc(32, 6);
    const env = { RUNTIME_HUB_SECRET_KEY: secretKey.toString('base64') };
    const hub = await spawnHub(['--data', mkdtempSync(join(dataDir, 'slow-')), '--db', dbUrl, '--log-level', 'info'], env, 60_000);
    let log = '';
    hub.proc.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    // A hub's first saved key records the shared key's fingerprint (wf_secret_key, one row), reads
    // it back, then writes the key: queries one after another on the playground's pool. The same row
    // inserted by a transaction left open holds the first one past the shutdown's grace, so the hub
    // closes the request's connection while its handler still runs.
    const admin = new pg.Client({ connectionString: dbUrl });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query('INSERT INTO wf_secret_key (fingerprint) VALUES ($1)', [keyFingerprint(secretKey)]);
      const put = fetch(`${hub.url}/api/v1/playground/keys/slow`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'sk-slow' }) }).then(
        (res) => res.status,
        () => 'connection closed',
      );
      await until(async () => (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted')).rows[0]!.n > 0, 'the key check to wait for the open transaction');
      hub.proc.kill('SIGTERM');
      expect(await put).toBe('connection closed');
      // Half the time the hub gives such a handler (3 s) before it closes the features: then the
      // handler goes on, reading the fingerprint and writing the key.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await admin.query('COMMIT');
    } finally {
      await admin.end();
    }
    expect(await hub.exited).toBe(0);
    const output = log + hub.stderr();
    expect(output).not.toMatch(/Cannot use a pool after calling end/);
    expect(output).not.toMatch(/unhandled|"level":50|"level":60/i);
    // The handler finished its work, though nobody was left to answer.
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    const { rows } = await check.query<{ name: string }>('SELECT name FROM playground_keys');
    await check.end();
    expect(rows.map((r) => r.name)).toEqual(['slow']);
  }, 120_000);
});
