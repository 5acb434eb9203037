import type pg from 'pg';
import { openMigratedPool } from '../store/postgres/migrate.js';
import { inTransaction } from '../store/postgres/pool.js';
import { KEEP, toAlert, type Alert, type AlertEvent, type AlertRow, type AlertStore } from './alert-store.js';
import type { AlertRule } from './rules.js';

interface EventRow {
  id: number;
  alert_id: number;
  rule_id: string;
  type: AlertEvent['type'];
  at: number;
  title: string;
  notified: string;
}

const toEvent = (r: EventRow): AlertEvent => ({ id: r.id, alertId: r.alert_id, ruleId: r.rule_id, type: r.type, at: r.at, title: r.title, notified: JSON.parse(r.notified) as string[] });

/**
 * Alerts in PostgreSQL (scaled mode, `--db`): the tables of `<data>/alerts.sqlite` (migration 4),
 * shared by every hub, so each hub's API shows the same rules, alerts and history. `fire` inserts
 * only while no alert of (rule, key) fires (the partial unique index `alerts_open`), `resolve`
 * updates only a firing one: a transition is recorded once whichever hub tries, and only the hub
 * that recorded it notifies.
 */
export class PostgresAlertStore implements AlertStore {
  /** Also the alert follower's (postgres-alert-follower.ts): the feed position and the inbox. */
  private constructor(readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresAlertStore> {
    return new PostgresAlertStore(await openMigratedPool(url, { max: 4, applicationName: 'runtime-hub alerts' }));
  }

  private async rows<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(sql, params)).rows;
  }

  async rules(): Promise<AlertRule[]> {
    return (await this.rows<{ body: string }>('SELECT body FROM alert_rules')).map((r) => JSON.parse(r.body) as AlertRule).sort((a, b) => a.createdAt - b.createdAt);
  }

  async rule(id: string): Promise<AlertRule | undefined> {
    const [row] = await this.rows<{ body: string }>('SELECT body FROM alert_rules WHERE id = $1', [id]);
    return row ? (JSON.parse(row.body) as AlertRule) : undefined;
  }

  async putRule(rule: AlertRule): Promise<void> {
    await this.pool.query('INSERT INTO alert_rules (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body', [rule.id, JSON.stringify(rule)]);
  }

  async deleteRule(id: string, now: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await client.query("UPDATE alerts SET state = 'resolved', resolved_at = $1 WHERE rule_id = $2 AND state = 'firing'", [now, id]);
      return ((await client.query('DELETE FROM alert_rules WHERE id = $1', [id])).rowCount ?? 0) === 1;
    });
  }

  async openAlert(ruleId: string, key: string): Promise<Alert | undefined> {
    const [row] = await this.rows<AlertRow>("SELECT * FROM alerts WHERE rule_id = $1 AND key = $2 AND state = 'firing'", [ruleId, key]);
    return row ? toAlert(row) : undefined;
  }

  async openAlerts(ruleId: string): Promise<Alert[]> {
    return (await this.rows<AlertRow>("SELECT * FROM alerts WHERE rule_id = $1 AND state = 'firing'", [ruleId])).map(toAlert);
  }

  async alert(id: number): Promise<Alert | undefined> {
    const [row] = await this.rows<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return row ? toAlert(row) : undefined;
  }

  async alerts(state: Alert['state'] | undefined, limit: number): Promise<Alert[]> {
    const rows = state
      ? await this.rows<AlertRow>('SELECT * FROM alerts WHERE state = $1 ORDER BY id DESC LIMIT $2', [state, limit])
      : await this.rows<AlertRow>('SELECT * FROM alerts ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map(toAlert);
  }

  async countFiring(): Promise<number> {
    const [row] = await this.rows<{ n: number }>("SELECT count(*) AS n FROM alerts WHERE state = 'firing'");
    return row?.n ?? 0;
  }

  async fire(input: Omit<Alert, 'id' | 'state' | 'resolvedAt' | 'acknowledgedAt'>): Promise<Alert | undefined> {
    const [row] = await this.rows<AlertRow>(
      `INSERT INTO alerts (rule_id, rule_name, key, state, title, value, labels, started_at, seen_at)
       VALUES ($1, $2, $3, 'firing', $4, $5, $6, $7, $8) ON CONFLICT (rule_id, key) WHERE state = 'firing' DO NOTHING RETURNING *`,
      [input.ruleId, input.ruleName, input.key, input.title, input.value, JSON.stringify(input.labels), input.startedAt, input.seenAt],
    );
    if (row) await this.prune();
    return row ? toAlert(row) : undefined;
  }

  async touch(id: number, value: number | null, at: number): Promise<void> {
    await this.pool.query('UPDATE alerts SET value = $1, seen_at = greatest(seen_at, $2) WHERE id = $3', [value, at, id]);
  }

  async resolve(id: number, at: number): Promise<Alert | undefined> {
    const [row] = await this.rows<AlertRow>("UPDATE alerts SET state = 'resolved', resolved_at = $1 WHERE id = $2 AND state = 'firing' RETURNING *", [at, id]);
    return row ? toAlert(row) : undefined;
  }

  async acknowledge(id: number, at: number): Promise<{ alert: Alert; first: boolean } | undefined> {
    const [row] = await this.rows<AlertRow>('UPDATE alerts SET acknowledged_at = $1 WHERE id = $2 AND acknowledged_at IS NULL RETURNING *', [at, id]);
    if (row) return { alert: toAlert(row), first: true };
    const alert = await this.alert(id);
    return alert ? { alert, first: false } : undefined;
  }

  async addEvent(event: Omit<AlertEvent, 'id'>): Promise<AlertEvent> {
    const [row] = await this.rows<{ id: number }>(
      'INSERT INTO alert_events (alert_id, rule_id, type, at, title, notified) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [event.alertId, event.ruleId, event.type, event.at, event.title, JSON.stringify(event.notified)],
    );
    return { id: row!.id, ...event };
  }

  async events(after: number | undefined, limit: number, alertId?: number): Promise<AlertEvent[]> {
    const params: unknown[] = [limit];
    const where: string[] = [];
    if (alertId) where.push(`alert_id = $${params.push(alertId)}`);
    if (after !== undefined) where.push(`id > $${params.push(after)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows =
      after !== undefined
        ? await this.rows<EventRow>(`SELECT * FROM alert_events ${filter} ORDER BY id LIMIT $1`, params)
        : await this.rows<EventRow>(`SELECT * FROM (SELECT * FROM alert_events ${filter} ORDER BY id DESC LIMIT $1) AS e ORDER BY id`, params);
    return rows.map(toEvent);
  }

  async hasSeenErrorGroups(): Promise<boolean> {
    return (await this.rows('SELECT 1 FROM alert_seen_error_groups LIMIT 1')).length > 0;
  }

  async markErrorGroups(ids: readonly string[], at: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows<{ id: string }>(
      'INSERT INTO alert_seen_error_groups (id, first_seen) SELECT id, $2 FROM unnest($1::text[]) AS id ON CONFLICT (id) DO NOTHING RETURNING id',
      [[...new Set(ids)], at],
    );
    const fresh = new Set(rows.map((r) => r.id));
    return ids.filter((id) => fresh.has(id));
  }

  private async prune(): Promise<void> {
    await this.pool.query(`DELETE FROM alerts WHERE state = 'resolved' AND id <= (SELECT id FROM alerts ORDER BY id DESC LIMIT 1 OFFSET ${KEEP})`);
    await this.pool.query(`DELETE FROM alert_events WHERE id <= (SELECT id FROM alert_events ORDER BY id DESC LIMIT 1 OFFSET ${KEEP * 3})`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
