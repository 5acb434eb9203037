import { z } from 'zod';

/** Where a rule looks: a service, and within it one function (span name); both optional. */
const Scope = { service: z.string().min(1).max(256).optional(), name: z.string().min(1).max(1024).optional() };
const Window = z.number().int().min(1).max(1440);

/** The conditions a rule can watch (docs/analytics.md, Alerts). */
export const RuleCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('error_rate'), ...Scope, thresholdPct: z.number().min(0).max(100), windowMinutes: Window, minCalls: z.number().int().min(1).default(10) }).strict(),
  z.object({ type: z.literal('latency_p95'), ...Scope, thresholdMs: z.number().positive(), windowMinutes: Window, minCalls: z.number().int().min(1).default(10) }).strict(),
  z.object({ type: z.literal('cost_per_hour'), service: Scope.service, budgetUsd: z.number().nonnegative() }).strict(),
  z.object({ type: z.literal('new_error_group'), service: Scope.service, quietMinutes: z.number().int().min(1).max(10_080).default(60) }).strict(),
  z.object({ type: z.literal('workflow_failed'), project: z.string().min(1).max(256).optional(), workflow: z.string().min(1).max(1024).optional() }).strict(),
  /** `deployment`: `<project>/<target>`, or a project for any of its targets; none for every deployment. */
  z.object({ type: z.literal('deployment_down'), deployment: z.string().min(1).max(300).optional() }).strict(),
]);
export type RuleCondition = z.infer<typeof RuleCondition>;

export const RuleInput = z
  .object({
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    condition: RuleCondition,
    /** Slack-compatible incoming webhook (or any URL taking its JSON); null removes it. Never echoed whole. */
    webhookUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
    /** Addresses mailed through the hub's SMTP server (--smtp-url). */
    email: z.array(z.email()).max(20).default([]),
  })
  .strict();
export type RuleInput = z.infer<typeof RuleInput>;

export interface AlertRule extends Omit<RuleInput, 'webhookUrl'> {
  id: string;
  webhookUrl: string | null;
  /** Notifications are held back until then (epoch ms); state changes are still recorded. */
  silencedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A rule as the API shows it: the webhook URL's secret path is not echoed. */
export function presentRule(rule: AlertRule): Omit<AlertRule, 'webhookUrl'> & { webhook: string | null } {
  const { webhookUrl, ...rest } = rule;
  return { ...rest, webhook: webhookUrl ? `${new URL(webhookUrl).origin}/…` : null };
}

/** One line saying what the rule watches, for notifications and the UI. */
export function describeCondition(c: RuleCondition): string {
  const where = (service?: string, name?: string) => [service, name].filter(Boolean).join(' › ') || 'all services';
  switch (c.type) {
    case 'error_rate':
      return `error rate of ${where(c.service, c.name)} over ${c.thresholdPct} % in ${c.windowMinutes} min`;
    case 'latency_p95':
      return `p95 latency of ${where(c.service, c.name)} over ${c.thresholdMs} ms in ${c.windowMinutes} min`;
    case 'cost_per_hour':
      return `LLM cost of ${where(c.service)} over $${c.budgetUsd} in the last hour`;
    case 'new_error_group':
      return `a new kind of error in ${where(c.service)}`;
    case 'workflow_failed':
      return `a run of ${where(c.project, c.workflow)} failing`;
    case 'deployment_down':
      return `deployment ${c.deployment ?? '(any)'} going down`;
  }
}
