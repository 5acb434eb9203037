import type { Span } from '@runtime-hub/protocol';
import type { Analytics } from '../analytics/register.js';
import { MINUTE, type MetricsTotals } from '../analytics/rollup-store.js';
import type { SpanStore } from '../store/store.js';
import type { Alert, AlertStore } from './alert-store.js';
import type { DeploymentHealth } from './events.js';
import type { Notifier, Transition } from './notifier.js';
import type { AlertRule, RuleCondition } from './rules.js';

/** What a rule found for one key: whether its condition holds and what to say about it. */
interface Finding {
  holds: boolean;
  title: string;
  value: number | null;
  labels: Record<string, string>;
}

type Of<T extends RuleCondition['type']> = Extract<RuleCondition, { type: T }>;

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
const scopeLabels = (service?: string, name?: string): Record<string, string> => ({ ...(service ? { service } : {}), ...(name ? { name } : {}) });

/**
 * Evaluates the rules and moves alerts between firing and resolved, exactly once each way:
 * threshold rules every tick from rollups (a few rows per rule, on the analytics thread), new
 * error groups from the groups of errors that arrived since the last tick, failed workflow runs
 * and deployments as their events arrive. Each transition is recorded and notified once.
 */
export class AlertEngine {
  private rules: AlertRule[] = [];
  private running: Promise<void> | undefined;
  /** State changes run one after another: a tick and an event never decide on the same alert at once. */
  private chain: Promise<void> = Promise.resolve();
  /** Start-time range of the error spans that arrived since the last tick. */
  private errorRange: [number, number] | undefined;
  /** Transitions recorded so far (a follower saves its position at once after one). */
  transitions = 0;

  constructor(
    private readonly store: AlertStore,
    private readonly notifier: Notifier,
    private readonly deps: {
      spans: SpanStore;
      analytics: Analytics | undefined;
      now: () => number;
      onError: (error: unknown) => void;
      /** After a transition and a reload of the rules: the count of firing alerts may have changed. */
      onChange?: () => void;
    },
  ) {}

  /** Re-reads the rules: at start, after a change through the API, and every tick (other hubs change them too). */
  async reload(): Promise<void> {
    this.rules = await this.store.rules();
    this.deps.onChange?.();
  }

  /** Runs `work` after every state change queued before it (and before any queued later). */
  afterPending(work: () => Promise<void>): Promise<void> {
    return this.serial(work);
  }

  /** The error spans' start times not checked for new groups yet (a leader's saved position keeps them). */
  pendingErrors(): [number, number] | undefined {
    return this.errorRange;
  }

  /** A new leader takes over the range its predecessor had not checked yet. */
  restoreErrors(range: [number, number]): void {
    const [from, to] = this.errorRange ?? range;
    this.errorRange = [Math.min(from, range[0]), Math.max(to, range[1])];
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private enabled<T extends RuleCondition['type']>(type: T): (AlertRule & { condition: Of<T> })[] {
    return this.rules.filter((r): r is AlertRule & { condition: Of<T> } => r.enabled && r.condition.type === type);
  }

  /** One evaluation; a call while one runs waits for it instead of starting a second. */
  evaluate(): Promise<void> {
    this.running ??= this.serial(() => this.evaluateOnce()).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves when no evaluation is running (shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.chain;
  }

  private async evaluateOnce(): Promise<void> {
    await this.reload();
    const analytics = this.deps.analytics;
    if (analytics) {
      await analytics.flush();
      for (const rule of this.enabled('error_rate')) await this.observe(rule, '', errorRate(rule.condition, await this.totals(rule.condition, rule.condition.windowMinutes)));
      for (const rule of this.enabled('latency_p95')) await this.observe(rule, '', latency(rule.condition, await this.totals(rule.condition, rule.condition.windowMinutes)));
      for (const rule of this.enabled('cost_per_hour')) await this.observe(rule, '', cost(rule.condition, await this.totals(rule.condition, 60)));
    }
    await this.checkErrorGroups();
  }

  /** Rollup totals over the last `minutes` minutes, the current one included. */
  private async totals(scope: { service?: string; name?: string }, minutes: number): Promise<MetricsTotals> {
    const to = Math.floor(this.deps.now() / MINUTE) * MINUTE + MINUTE;
    const from = to - minutes * MINUTE;
    const filter = { from, to, ...(scope.service ? { service: scope.service } : {}), ...(scope.name ? { name: scope.name } : {}) };
    return this.deps.analytics!.store.totals(filter);
  }

  /** The ingest listener: notes where errors arrived and reacts to ended workflow runs. */
  onSpans(spans: readonly Span[]): void {
    for (const span of spans) {
      if (span.endTime === null) continue;
      if (span.status === 'error') {
        const [from, to] = this.errorRange ?? [span.startTime, span.startTime];
        this.errorRange = [Math.min(from, span.startTime), Math.max(to, span.startTime)];
      }
      if (span.kind === 'workflow') void this.serial(() => this.onWorkflowRun(span)).catch(this.deps.onError);
    }
  }

  private async onWorkflowRun(span: Span): Promise<void> {
    for (const rule of this.enabled('workflow_failed')) {
      const { project, workflow } = rule.condition;
      if ((project && project !== span.service) || (workflow && workflow !== span.name)) continue;
      const failed = span.status === 'error';
      const runId = typeof span.attributes?.['workflow.run.id'] === 'string' ? span.attributes['workflow.run.id'] : span.spanId;
      // `/` apart: a project id is a slug. Not NUL, which PostgreSQL refuses in text (the alert was never recorded there).
      await this.observe(rule, `${span.service}/${span.name}`, {
        holds: failed,
        title: failed ? `run ${runId} of ${span.service} › ${span.name} failed${span.error?.message ? `: ${span.error.message}` : ''}` : `${span.name} succeeded`,
        value: null,
        labels: { service: span.service, name: span.name, traceId: span.traceId },
      });
    }
  }

  /** A deployment's health check ran (events.ts); repeating the same state changes nothing. */
  onDeployment(event: DeploymentHealth): void {
    void this.serial(() => this.deploymentChecked(event)).catch(this.deps.onError);
  }

  private async deploymentChecked(event: DeploymentHealth): Promise<void> {
    for (const rule of this.enabled('deployment_down')) {
      const wanted = rule.condition.deployment;
      if (wanted && wanted !== event.deployment && wanted !== event.project) continue;
      await this.observe(rule, event.deployment, {
        holds: !event.healthy,
        title: `deployment ${event.deployment} is ${event.healthy ? 'up' : 'down'}${event.message ? `: ${event.message}` : ''}`,
        value: null,
        labels: { deployment: event.deployment, ...(event.url ? { url: event.url } : {}) },
      });
    }
  }

  /**
   * Error groups never seen before fire their rules; an alert of a group resolves once the group
   * has been quiet for the rule's `quietMinutes`.
   */
  private async checkErrorGroups(): Promise<void> {
    const now = this.deps.now();
    const range = this.errorRange;
    this.errorRange = undefined;
    const rules = this.enabled('new_error_group');
    if (range) {
      const groups = await this.deps.spans.listErrorGroups({ from: range[0], to: range[1], bucketMs: MINUTE, limit: 500 });
      const fresh = new Set(await this.store.markErrorGroups(groups.map((g) => g.id), now));
      for (const group of groups) {
        for (const rule of rules) {
          if (rule.condition.service && !group.services.includes(rule.condition.service)) continue;
          const open = await this.store.openAlert(rule.id, group.id);
          if (open) await this.store.touch(open.id, group.count, now);
          else if (fresh.has(group.id)) {
            await this.observe(rule, group.id, {
              holds: true,
              title: `new error ${group.type}: ${group.message}`.slice(0, 300),
              value: group.count,
              labels: { service: group.services[0] ?? '', errorGroup: group.id, traceId: group.lastTraceId },
            });
          }
        }
      }
    }
    for (const rule of rules) {
      for (const alert of await this.store.openAlerts(rule.id)) {
        if (now - alert.seenAt >= rule.condition.quietMinutes * MINUTE) await this.transition(rule, await this.store.resolve(alert.id, now), 'resolved');
      }
    }
  }

  /** Moves (rule, key) to firing or resolved when the finding says so; nothing happens otherwise. */
  private async observe(rule: AlertRule, key: string, finding: Finding): Promise<void> {
    const now = this.deps.now();
    const open = await this.store.openAlert(rule.id, key);
    if (finding.holds && open) await this.store.touch(open.id, finding.value, now);
    else if (finding.holds) {
      const alert = await this.store.fire({ ruleId: rule.id, ruleName: rule.name, key, title: finding.title, value: finding.value, labels: finding.labels, startedAt: now, seenAt: now });
      await this.transition(rule, alert, 'fired');
    } else if (open) await this.transition(rule, await this.store.resolve(open.id, now), 'resolved');
  }

  /**
   * Notifies a transition the store recorded; nothing when it answered undefined (another hub
   * recorded the same transition first and notified it).
   */
  private async transition(rule: AlertRule, alert: Alert | undefined, type: Transition): Promise<void> {
    if (!alert) return;
    const now = this.deps.now();
    const silenced = rule.silencedUntil !== null && rule.silencedUntil > now;
    const notified = silenced ? ['silenced'] : this.notifier.notify(rule, alert, type);
    this.transitions++;
    await this.store.addEvent({ alertId: alert.id, ruleId: rule.id, type, at: now, title: alert.title, notified });
    this.deps.onChange?.();
  }
}

function errorRate(c: Of<'error_rate'>, t: MetricsTotals): Finding {
  return {
    holds: t.calls >= c.minCalls && t.errorRate * 100 > c.thresholdPct,
    title: `error rate ${pct(t.errorRate)} (${t.errors} of ${t.calls} calls) in ${c.windowMinutes} min`,
    value: t.errorRate,
    labels: scopeLabels(c.service, c.name),
  };
}

function latency(c: Of<'latency_p95'>, t: MetricsTotals): Finding {
  return {
    holds: t.calls >= c.minCalls && (t.p95Ms ?? 0) > c.thresholdMs,
    title: `p95 latency ${Math.round(t.p95Ms ?? 0)} ms over ${t.calls} calls in ${c.windowMinutes} min`,
    value: t.p95Ms,
    labels: scopeLabels(c.service, c.name),
  };
}

function cost(c: Of<'cost_per_hour'>, t: MetricsTotals): Finding {
  return {
    holds: t.costUsd > c.budgetUsd,
    title: `LLM cost $${t.costUsd.toFixed(4)} in the last hour (budget $${c.budgetUsd})`,
    value: t.costUsd,
    labels: scopeLabels(c.service),
  };
}
