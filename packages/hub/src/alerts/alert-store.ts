import type { AlertRule } from './rules.js';

/** An alert: one rule firing for one key (a service, an error group, a workflow, a deployment). */
export interface Alert {
  id: number;
  ruleId: string;
  ruleName: string;
  key: string;
  state: 'firing' | 'resolved';
  title: string;
  /** The measured value when it fired (rate, ms, USD, occurrences). */
  value: number | null;
  /** Where the spans behind it are: filters for the traces and spans lists. */
  labels: Record<string, string>;
  startedAt: number;
  /** Last time the condition was seen true. */
  seenAt: number;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
}

/** The history of every alert: what happened and whether anyone was told. */
export interface AlertEvent {
  id: number;
  alertId: number;
  ruleId: string;
  type: 'fired' | 'resolved' | 'acknowledged';
  at: number;
  title: string;
  /** Channels notified (webhook, email, in-app), or `silenced`. */
  notified: string[];
}

/**
 * Where rules, alerts, their history and the error groups already seen are kept: `<data>/alerts.sqlite`
 * on one hub (sqlite-alert-store.ts), PostgreSQL shared by the hubs in scaled mode
 * (postgres-alert-store.ts). Both pass alert-store-cases.ts. A transition is recorded by `fire`
 * and `resolve` only if it has not happened yet — at most one alert fires per (rule, key), and a
 * resolved alert does not resolve again — so whoever records it, and only that caller, notifies.
 */
export interface AlertStore {
  rules(): Promise<AlertRule[]>;
  rule(id: string): Promise<AlertRule | undefined>;
  putRule(rule: AlertRule): Promise<void>;
  /** Deletes a rule; its open alerts are closed silently with it. False when there was none. */
  deleteRule(id: string, now: number): Promise<boolean>;
  openAlert(ruleId: string, key: string): Promise<Alert | undefined>;
  openAlerts(ruleId: string): Promise<Alert[]>;
  alert(id: number): Promise<Alert | undefined>;
  /** Alerts newest first; firing ones only when asked. */
  alerts(state: Alert['state'] | undefined, limit: number): Promise<Alert[]>;
  countFiring(): Promise<number>;
  /** Opens an alert; undefined when (rule, key) already fires (recorded elsewhere: no notification). */
  fire(input: Omit<Alert, 'id' | 'state' | 'resolvedAt' | 'acknowledgedAt'>): Promise<Alert | undefined>;
  /** The condition still holds: a new value and when it was seen. */
  touch(id: number, value: number | null, at: number): Promise<void>;
  /** Resolves a firing alert; undefined when it no longer fires (resolved elsewhere: no notification). */
  resolve(id: number, at: number): Promise<Alert | undefined>;
  /** Acknowledges an alert; `first` is true for the one call that did (the history records it once). Undefined: no such alert. */
  acknowledge(id: number, at: number): Promise<{ alert: Alert; first: boolean } | undefined>;
  addEvent(event: Omit<AlertEvent, 'id'>): Promise<AlertEvent>;
  /** Events after `after` (the in-app feed polls with the last id it has), oldest first; or the newest when no `after`. */
  events(after: number | undefined, limit: number, alertId?: number): Promise<AlertEvent[]>;
  /** Whether any error group is known yet: a store that knows none is seeded from the spans. */
  hasSeenErrorGroups(): Promise<boolean>;
  /** Records groups; answers the ones that were not known. */
  markErrorGroups(ids: readonly string[], at: number): Promise<string[]>;
  close(): Promise<void>;
}

/** The row both stores keep an alert in (column names of the table). */
/** Alerts and events kept: the oldest resolved ones go first. */
export const KEEP = 5000;

export interface AlertRow {
  id: number;
  rule_id: string;
  rule_name: string;
  key: string;
  state: Alert['state'];
  title: string;
  value: number | null;
  labels: string;
  started_at: number;
  seen_at: number;
  resolved_at: number | null;
  acknowledged_at: number | null;
}

export const toAlert = (r: AlertRow): Alert => ({
  id: r.id, ruleId: r.rule_id, ruleName: r.rule_name, key: r.key, state: r.state, title: r.title, value: r.value,
  labels: JSON.parse(r.labels) as Record<string, string>, startedAt: r.started_at, seenAt: r.seen_at, resolvedAt: r.resolved_at, acknowledgedAt: r.acknowledged_at,
});
