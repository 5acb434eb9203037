import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { hexId, postSpans, spanRecord } from '../testing/test-hub.js';
import { startWebhookRecorder, type RecordedHook } from '../testing/webhook-recorder.js';
import { killNow } from '../testing/worker-process.js';
import { apiClient } from '../workflows/testing.js';

/**
 * Alerts survive their leader (issue 14): two real hub processes on one PostgreSQL, hub A leads the
 * alert evaluation. A is SIGKILLed; while no hub leads, a workflow run fails on hub B and a new
 * error arrives there. Hub B takes the lead at its next tick, resumes from A's position in the
 * change feed, and notifies each once (a local webhook server).
 */
const ALERTS_LOCK = 7_414_100_215; // alerts/postgres-leadership.ts
let postgres: PostgresServer;
let dbUrl: string;
let hubA: HubProcess;
let hubB: HubProcess;
let webhook: Awaited<ReturnType<typeof startWebhookRecorder>>;
let webhookUrl: string;
let db: pg.Client;
let hooks: RecordedHook[] = [];
const folders: string[] = [];

const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-alert-takeover-'));
  folders.push(dir);
  return dir;
};

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
/** Whether some session holds the alerts' advisory lock (a bigint key: classid is its high half, objid its low half). */
const lockHeld = async () =>
  (await count(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND (classid::bigint << 32 | objid::bigint) = $1`, [ALERTS_LOCK])) > 0;

beforeAll(async () => {
  webhook = await startWebhookRecorder();
  ({ url: webhookUrl, hooks } = webhook);
  postgres = await startPostgres();
  dbUrl = await postgres.createDatabase();
  db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  if (hubA) await killNow(hubA);
  if (hubB) await killNow(hubB);
  await db?.end().catch(() => undefined);
  await postgres?.close();
  webhook?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('scaled mode: alert events while no hub leads', () => {
  it('are evaluated by the hub that takes the lead after the leader was SIGKILLed, and notified once', async () => {
    hubA = await spawnHub(['--data', folder(), '--db', dbUrl]);
    await waitFor('hub A to lead the alerts', lockHeld, 30_000);
    await waitFor('hub A to record where it evaluates from', async () => (await count('SELECT count(*) AS n FROM alert_feed_position')) === 1, 30_000);
    hubB = await spawnHub(['--data', folder(), '--db', dbUrl]);
    const api = apiClient(hubB.url);
    for (const [name, condition] of [
      ['checkout runs failing', { type: 'workflow_failed', project: 'shop' }],
      ['new checkout errors', { type: 'new_error_group', service: 'checkout', quietMinutes: 60 }],
    ] as const) {
      const created = await api('POST', '/api/v1/alerts/rules', { name, condition, webhookUrl: `${webhookUrl}/hook/${condition.type}` });
      expect(created.status, created.text).toBe(201);
    }
    expect((await api('POST', '/api/v1/projects', { id: 'shop', name: 'Shop' })).status).toBe(201);
    const saved = await api('POST', '/api/v1/projects/shop/workflows', {
      id: 'checkout',
      name: 'Checkout',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'total', type: 'transform', config: { value: '{{ trigger.body.items | upper }}' } },
      ],
      edges: [{ source: 'start', target: 'total' }],
    });
    expect(saved.status, saved.text).toBe(201);

    await killNow(hubA);
    // Nobody leads from now on: the lock is free once A's session is gone; this test holds it until
    // the events are committed, so hub B's tick cannot take the lead in between.
    const gap = new pg.Client({ connectionString: dbUrl });
    await gap.connect();
    try {
      await waitFor('the leader’s lock to go with it', async () => (await gap.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [ALERTS_LOCK])).rows[0]!.ok, 30_000);
      const failed = await api('POST', '/api/v1/projects/shop/workflows/checkout/runs?wait=true', { items: [3] });
      expect(failed.body.status, failed.text).toBe('failed');
      const error = spanRecord({
        service: 'checkout', name: 'charge', status: 'error',
        error: { type: 'CardDeclined', message: `card declined ${hexId(16)}`.slice(0, 13), stack: 'CardDeclined: card declined\n    at charge (/srv/checkout/pay.js:42:11)\n    at main (/srv/checkout/index.js:7:3)' },
      });
      expect((await postSpans(hubB.url, [error])).status).toBe(200);
      await waitFor('the failed run’s span to be committed', async () => (await count(`SELECT count(*) AS n FROM spans WHERE kind = 'workflow' AND status = 'error'`)) === 1, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(hooks).toEqual([]);
    } finally {
      await gap.end();
    }

    // Hub B's tick (every 15 s) takes the lead and evaluates what arrived meanwhile.
    const of = (type: string) => hooks.filter((h) => h.path === `/hook/${type}`);
    await waitFor('hub B to notify the failed run', () => of('workflow_failed').length >= 1, 60_000);
    await waitFor('hub B to notify the new error group', () => of('new_error_group').length >= 1, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(of('workflow_failed').map((h) => h.text.split(':')[0])).toEqual(['FIRING']);
    expect(of('new_error_group').map((h) => h.text.split(':')[0])).toEqual(['FIRING']);
    expect(of('workflow_failed')[0]!.text).toContain('checkout');
    const { body } = await api('GET', '/api/v1/alerts/events');
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['fired', 'fired']);
  }, 240_000);
});
