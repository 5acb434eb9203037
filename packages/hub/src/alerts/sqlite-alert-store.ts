import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { KEEP, toAlert, type Alert, type AlertEvent, type AlertRow, type AlertStore } from './alert-store.js';
import type { AlertRule } from './rules.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, rule_name TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL,
  title TEXT NOT NULL, value REAL, labels TEXT NOT NULL, started_at INTEGER NOT NULL, seen_at INTEGER NOT NULL,
  resolved_at INTEGER, acknowledged_at INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_open ON alerts (rule_id, key) WHERE state = 'firing';
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL, rule_id TEXT NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL,
  title TEXT NOT NULL, notified TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen_error_groups (id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL);
`;

/**
 * `<data>/alerts.sqlite`: rules, alerts, their history and the error groups already seen. Small
 * tables touched by key, a few times per evaluation, on the main thread like the workflow run store;
 * the port's answers are promises so that PostgreSQL can implement it too.
 */
export class SqliteAlertStore implements AlertStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  async rules(): Promise<AlertRule[]> {
    return (this.db.prepare('SELECT body FROM rules').pluck().all() as string[]).map((body) => JSON.parse(body) as AlertRule).sort((a, b) => a.createdAt - b.createdAt);
  }

  async rule(id: string): Promise<AlertRule | undefined> {
    const body = this.db.prepare('SELECT body FROM rules WHERE id = ?').pluck().get(id) as string | undefined;
    return body ? (JSON.parse(body) as AlertRule) : undefined;
  }

  async putRule(rule: AlertRule): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO rules (id, body) VALUES (?, ?)').run(rule.id, JSON.stringify(rule));
  }

  /** Deletes a rule and resolves nothing: its open alerts are closed silently with it. */
  async deleteRule(id: string, now: number): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE rule_id = ? AND state = 'firing'").run(now, id);
      return this.db.prepare('DELETE FROM rules WHERE id = ?').run(id).changes === 1;
    })();
  }

  async openAlert(ruleId: string, key: string): Promise<Alert | undefined> {
    const row = this.db.prepare("SELECT * FROM alerts WHERE rule_id = ? AND key = ? AND state = 'firing'").get(ruleId, key) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  async openAlerts(ruleId: string): Promise<Alert[]> {
    return (this.db.prepare("SELECT * FROM alerts WHERE rule_id = ? AND state = 'firing'").all(ruleId) as AlertRow[]).map(toAlert);
  }

  async alert(id: number): Promise<Alert | undefined> {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  /** Alerts newest first; firing ones only when asked. */
  async alerts(state: Alert['state'] | undefined, limit: number): Promise<Alert[]> {
    const where = state ? 'WHERE state = ?' : '';
    return (this.db.prepare(`SELECT * FROM alerts ${where} ORDER BY id DESC LIMIT ?`).all(...(state ? [state] : []), limit) as AlertRow[]).map(toAlert);
  }

  async countFiring(): Promise<number> {
    return this.db.prepare("SELECT count(*) FROM alerts WHERE state = 'firing'").pluck().get() as number;
  }

  async fire(input: Omit<Alert, 'id' | 'state' | 'resolvedAt' | 'acknowledgedAt'>): Promise<Alert | undefined> {
    const row = this.db
      .prepare(
        `INSERT INTO alerts (rule_id, rule_name, key, state, title, value, labels, started_at, seen_at)
         VALUES (?, ?, ?, 'firing', ?, ?, ?, ?, ?) ON CONFLICT (rule_id, key) WHERE state = 'firing' DO NOTHING RETURNING *`,
      )
      .get(input.ruleId, input.ruleName, input.key, input.title, input.value, JSON.stringify(input.labels), input.startedAt, input.seenAt) as AlertRow | undefined;
    this.prune();
    return row ? toAlert(row) : undefined;
  }

  /** The condition still holds: a new value and when it was seen. */
  async touch(id: number, value: number | null, at: number): Promise<void> {
    this.db.prepare('UPDATE alerts SET value = ?, seen_at = ? WHERE id = ?').run(value, at, id);
  }

  async resolve(id: number, at: number): Promise<Alert | undefined> {
    const row = this.db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'firing' RETURNING *").get(at, id) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  async acknowledge(id: number, at: number): Promise<{ alert: Alert; first: boolean } | undefined> {
    const row = this.db.prepare('UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL RETURNING *').get(at, id) as AlertRow | undefined;
    if (row) return { alert: toAlert(row), first: true };
    const alert = await this.alert(id);
    return alert ? { alert, first: false } : undefined;
  }

  async addEvent(event: Omit<AlertEvent, 'id'>): Promise<AlertEvent> {
    const id = this.db
      .prepare('INSERT INTO events (alert_id, rule_id, type, at, title, notified) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
      .pluck()
      .get(event.alertId, event.ruleId, event.type, event.at, event.title, JSON.stringify(event.notified)) as number;
    return { id, ...event };
  }

  /** Events after `after` (the in-app feed polls with the last id it has), oldest first; or the newest when no `after`. */
  async events(after: number | undefined, limit: number, alertId?: number): Promise<AlertEvent[]> {
    const rows =
      after !== undefined
        ? this.db.prepare(`SELECT * FROM events WHERE id > ? ${alertId ? 'AND alert_id = ?' : ''} ORDER BY id LIMIT ?`).all(after, ...(alertId ? [alertId] : []), limit)
        : this.db.prepare(`SELECT * FROM (SELECT * FROM events ${alertId ? 'WHERE alert_id = ?' : ''} ORDER BY id DESC LIMIT ?) ORDER BY id`).all(...(alertId ? [alertId] : []), limit);
    return (rows as (Omit<AlertEvent, 'notified' | 'alertId' | 'ruleId'> & { notified: string; alert_id: number; rule_id: string })[]).map((r) => ({
      id: r.id, alertId: r.alert_id, ruleId: r.rule_id, type: r.type, at: r.at, title: r.title, notified: JSON.parse(r.notified) as string[],
    }));
  }

  /** Error groups already known: a group not in here is new. */
  async hasSeenErrorGroups(): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM seen_error_groups LIMIT 1').get() !== undefined;
  }

  /** Records groups; answers the ones that were not known. */
  async markErrorGroups(ids: readonly string[], at: number): Promise<string[]> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO seen_error_groups (id, first_seen) VALUES (?, ?)');
    return this.db.transaction(() => ids.filter((id) => insert.run(id, at).changes === 1))();
  }

  private prune(): void {
    this.db.prepare(`DELETE FROM alerts WHERE state = 'resolved' AND id <= (SELECT id FROM alerts ORDER BY id DESC LIMIT 1 OFFSET ${KEEP})`).run();
    this.db.prepare(`DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ${KEEP * 3})`).run();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
