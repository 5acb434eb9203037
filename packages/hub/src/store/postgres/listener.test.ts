import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { PgListener } from './listener.js';

let server: PostgresServer;
let admin: pg.Client;
beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 60_000);
afterAll(async () => {
  await admin?.end();
  await server?.close();
});

const until = async (check: () => boolean | Promise<boolean>, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const connectionsNamed = async (name: string) =>
  (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name])).rows.map((r) => r.pid);

describe('PgListener', () => {
  it('hands on notifications, listens again after its connection is killed (reading up first), and closes its connection', async () => {
    const payloads: (string | undefined)[] = [];
    const errors: unknown[] = [];
    let listenings = 0;
    const listener = await PgListener.open(server.url, {
      channel: 'rh_listener_test',
      name: 'rh listener test',
      onNotification: (payload) => payloads.push(payload),
      onError: (error) => errors.push(error),
      onListening: () => void listenings++,
    });
    expect(listener.listening).toBe(true);
    expect(listenings).toBe(1);

    await admin.query("SELECT pg_notify('rh_listener_test', 'one')");
    await until(() => payloads.includes('one'), 'the first notification');

    // The server ends the connection: an error is reported, and a second later it listens again.
    const [pid] = await connectionsNamed('rh listener test');
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(() => errors.length > 0, 'the lost connection to be reported');
    await until(() => listenings === 2 && listener.listening, 'listening again');
    await admin.query("SELECT pg_notify('rh_listener_test', 'two')");
    await until(() => payloads.includes('two'), 'a notification after the reconnect');

    await listener.close();
    expect(listener.listening).toBe(false);
    await until(async () => (await connectionsNamed('rh listener test')).length === 0, 'the connection to end');
  }, 60_000);

  it('fails to open, leaving no connection, when the first read-up fails', async () => {
    const open = PgListener.open(server.url, {
      channel: 'rh_listener_test',
      name: 'rh listener failing',
      onNotification: () => undefined,
      onError: () => undefined,
      onListening: () => Promise.reject(new Error('cannot read up')),
    });
    await expect(open).rejects.toThrow('cannot read up');
    await until(async () => (await connectionsNamed('rh listener failing')).length === 0, 'the connection to end');
  }, 60_000);
});
