import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { runAlertStoreConformance } from './alert-store-cases.js';
import { PostgresAlertStore } from './postgres-alert-store.js';
import { PostgresLeadership } from './postgres-leadership.js';

// One server for the file; each test opens a store on a fresh database.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

runAlertStoreConformance('postgres', async () => PostgresAlertStore.open(await server.createDatabase()));

describe('alerts shared by several hubs (PostgreSQL)', { timeout: 60_000 }, () => {
  it('lets one hub fire, resolve and acknowledge an alert when two try at once', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([PostgresAlertStore.open(url), PostgresAlertStore.open(url)]);
    try {
      const at = Date.now();
      const input = { ruleId: 'r', ruleName: 'r', key: '', title: 't', value: 1, labels: {}, startedAt: at, seenAt: at };
      const fired = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.fire(input)));
      expect(fired.filter(Boolean)).toHaveLength(1);
      const id = fired.find(Boolean)!.id;
      const resolved = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.resolve(id, at + 1)));
      expect(resolved.filter(Boolean)).toHaveLength(1);
      const acknowledged = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.acknowledge(id, at + 2)));
      expect(acknowledged.filter((a) => a?.first)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('gives the lead to one hub at a time; another takes it once the leader is gone', async () => {
    const url = await server.createDatabase();
    const hubs = [new PostgresLeadership(url), new PostgresLeadership(url), new PostgresLeadership(url)];
    try {
      // Each hub asks twice at once (its start and its first tick can overlap): one hub leads, and keeps leading.
      const answers = await Promise.all(hubs.map((h) => Promise.all([h.isLeader(), h.isLeader()])));
      for (const [a, b] of answers) expect(a).toBe(b);
      const first = answers.map(([a]) => a);
      expect(first.filter(Boolean)).toHaveLength(1);
      const leader = first.indexOf(true);
      expect(await hubs[leader]!.isLeader()).toBe(true); // keeps it
      await hubs[leader]!.close(); // the leader stops (or dies: its connection closes either way)
      const rest = hubs.filter((_, i) => i !== leader);
      const next = await Promise.all(rest.map((h) => h.isLeader()));
      expect(next.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(hubs.map((h) => h.close()));
    }
  });

  it('leaves no connection behind when closed while a check is connecting, and connects no more after', async () => {
    const url = await server.createDatabase();
    const leaders = async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'runtime-hub alerts leader'");
      await admin.end();
      return rows[0]!.n;
    };
    // A hub closed right after its start: the first check was still connecting. That connection
    // kept the process from exiting (integration/postgres-crash.test.ts hung at a SIGTERM).
    const hub = new PostgresLeadership(url);
    const check = hub.isLeader();
    await hub.close();
    expect(await check).toBe(false);
    expect(await hub.isLeader()).toBe(false);
    expect(await leaders()).toBe(0);
  });
});
