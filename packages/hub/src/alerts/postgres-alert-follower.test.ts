import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { startWebhookRecorder } from '../testing/webhook-recorder.js';
import { PostgresAlertStore } from './postgres-alert-store.js';

/**
 * A hub taking the alert lead must catch up from the saved position before it evaluates live; when
 * that fails (the database answered an error), the next tick tries again instead of leading without
 * ever following the feed.
 */
let server: PostgresServer;
let hub: TestHub | undefined;
let webhook: Awaited<ReturnType<typeof startWebhookRecorder>>;

beforeAll(async () => {
  [server, webhook] = await Promise.all([startPostgres(), startWebhookRecorder()]);
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await server?.close();
  webhook?.close();
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the alert leader catching up (PostgreSQL)', () => {
  it('takes the lead again at the next tick after catching up failed, then notifies a failed run', async () => {
    const dbUrl = await server.createDatabase();
    await (await PostgresAlertStore.open(dbUrl)).close(); // migrated
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      // A previous leader's position, which this hub cannot read at first.
      await db.query('INSERT INTO alert_feed_position (id, seq, updated_at) VALUES (true, 0, 0)');
      await db.query('ALTER TABLE alert_feed_position RENAME TO alert_feed_position_away');
      hub = await startTestHub({ dbUrl, alerts: { evaluateEveryMs: 100 } });
      const created = await fetch(`${hub.url}/api/v1/alerts/rules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'imports failing', condition: { type: 'workflow_failed', project: 'etl' }, webhookUrl: `${webhook.url}/hook/etl` }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 500)); // several ticks fail to catch up
      await db.query('ALTER TABLE alert_feed_position_away RENAME TO alert_feed_position');

      // Shaped as the engine writes a run's span (packages/engine/src/run/spans.ts, runSpan).
      const failed = spanRecord({
        service: 'etl', name: 'nightly-import', kind: 'workflow', status: 'error', sessionId: 'run_1', input: { type: 'cron' },
        attributes: { 'workflow.project': 'etl', 'workflow.id': 'nightly-import', 'workflow.version': 3, 'workflow.run.id': 'run_1', 'workflow.run.status': 'failed', 'workflow.trigger': 'cron' },
        error: { type: 'HTTP_STATUS', message: 'GET /export answered 503' },
      });
      expect((await postSpans(hub.url, [failed])).status).toBe(200);
      const ofRule = () => webhook.hooks.filter((h) => h.path === '/hook/etl');
      await waitFor('the failed run to be notified', () => ofRule().length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(ofRule().map((h) => h.text.split(':')[0])).toEqual(['FIRING']);
    } finally {
      await db.end();
    }
  }, 120_000);
});
