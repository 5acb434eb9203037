import { request, toSearch } from '../../api/client';

/** What a rule watches (docs/analytics.md, Alerts). */
export type RuleCondition =
  | { type: 'error_rate'; service?: string; name?: string; thresholdPct: number; windowMinutes: number; minCalls?: number }
  | { type: 'latency_p95'; service?: string; name?: string; thresholdMs: number; windowMinutes: number; minCalls?: number }
  | { type: 'cost_per_hour'; service?: string; budgetUsd: number }
  | { type: 'new_error_group'; service?: string; quietMinutes?: number }
  | { type: 'workflow_failed'; project?: string; workflow?: string }
  | { type: 'deployment_down'; deployment?: string };

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  condition: RuleCondition;
  /** The webhook's origin only: the hub never echoes its secret path. */
  webhook: string | null;
  email: string[];
  silencedUntil: number | null;
  createdAt: number;
}

export interface Alert {
  id: number;
  ruleId: string;
  ruleName: string;
  state: 'firing' | 'resolved';
  title: string;
  value: number | null;
  labels: Record<string, string>;
  startedAt: number;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
}

export interface AlertEvent {
  id: number;
  alertId: number;
  ruleId: string;
  type: 'fired' | 'resolved' | 'acknowledged';
  at: number;
  title: string;
  notified: string[];
}

export interface NewRule {
  name: string;
  condition: RuleCondition;
  webhookUrl?: string;
  email: string[];
}

const json = (method: string, body?: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

export const alertsApi = {
  rules: () => request<{ rules: AlertRule[] }>('/api/v1/alerts/rules'),
  createRule: (rule: NewRule) => request<{ rule: AlertRule }>('/api/v1/alerts/rules', json('POST', rule)),
  deleteRule: (id: string) => request<void>(`/api/v1/alerts/rules/${id}`, { method: 'DELETE' }),
  /** Turns a rule on or off; the stored webhook URL is kept (left out of the body). */
  setEnabled: (rule: AlertRule, enabled: boolean) =>
    request<{ rule: AlertRule }>(`/api/v1/alerts/rules/${rule.id}`, json('PUT', { name: rule.name, enabled, condition: rule.condition, email: rule.email })),
  silence: (id: string, minutes: number) => request<{ rule: AlertRule }>(`/api/v1/alerts/rules/${id}/silence`, json('POST', { minutes })),
  alerts: (state?: 'firing' | 'resolved') => request<{ alerts: Alert[]; firing: number }>(`/api/v1/alerts${toSearch({ state, limit: 100 })}`),
  acknowledge: (id: number) => request<{ alert: Alert }>(`/api/v1/alerts/${id}/acknowledge`, { method: 'POST' }),
  events: (after?: number, limit = 100) => request<{ events: AlertEvent[] }>(`/api/v1/alerts/events${toSearch({ after, limit })}`),
};

/** One line saying what a rule watches (the hub's describeCondition, for the table). */
export function describeCondition(c: RuleCondition): string {
  const where = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' › ') || 'all services';
  switch (c.type) {
    case 'error_rate':
      return `error rate of ${where(c.service, c.name)} over ${c.thresholdPct} % in ${c.windowMinutes} min`;
    case 'latency_p95':
      return `p95 latency of ${where(c.service, c.name)} over ${c.thresholdMs} ms in ${c.windowMinutes} min`;
    case 'cost_per_hour':
      return `LLM cost of ${where(c.service)} over $${c.budgetUsd} per hour`;
    case 'new_error_group':
      return `a new kind of error in ${where(c.service)}`;
    case 'workflow_failed':
      return `a run of ${where(c.project, c.workflow)} failing`;
    case 'deployment_down':
      return `deployment ${c.deployment ?? '(any)'} going down`;
  }
}
