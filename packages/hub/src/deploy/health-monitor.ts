import type { HubContext } from '../context.js';
import type { SpanStore } from '../store/store.js';
import type { Deployer } from './deployer.js';
import type { DeployStore, HealthCheck, HealthStatus, Target } from './deploy-store.js';
import { emitDeploymentHealth } from './health-events.js';

/** A check slower than this is `degraded`; no answer within CHECK_TIMEOUT_MS is `down`. */
export const SLOW_MS = 1000;
const CHECK_TIMEOUT_MS = 5000;

export interface HealthSummary {
  status: HealthStatus | 'unknown';
  lastCheckAt: number | null;
  /** Share of checks in the last 24 h that answered (healthy or degraded), in %. */
  uptimePercent: number | null;
  /** Mean response time of the last 20 answered checks. */
  responseMs: number | null;
  /** Share of failed checks in the last 24 h, in %. */
  errorRate: number | null;
  /** The app's own uptime from its /health. */
  appUptimeSeconds: number | null;
  checks: number;
  /** From the app's own spans (instrumented Python apps): runs in the last 24 h and the share that failed, in %. */
  appRuns?: number;
  appErrorRate?: number | null;
}

export function summarize(checks: HealthCheck[]): HealthSummary {
  const last = checks.at(-1);
  if (!last) return { status: 'unknown', lastCheckAt: null, uptimePercent: null, responseMs: null, errorRate: null, appUptimeSeconds: null, checks: 0 };
  const up = checks.filter((c) => c.status !== 'down');
  const recent = up.slice(-20).filter((c) => c.responseMs !== null);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    status: last.status,
    lastCheckAt: last.at,
    uptimePercent: round((up.length / checks.length) * 100),
    responseMs: recent.length ? round(recent.reduce((sum, c) => sum + (c.responseMs ?? 0), 0) / recent.length) : null,
    errorRate: round(((checks.length - up.length) / checks.length) * 100),
    appUptimeSeconds: last.uptimeSeconds,
    checks: checks.length,
  };
}

/**
 * Checks each deployed target's /health every `healthIntervalMs` (60 s by default, per target):
 * healthy (200 within 1 s), degraded (200 but slower, or another 2xx–4xx answer), down (no
 * answer, a 5xx, or no app running). Each check is stored and emitted (health-events.ts).
 */
export class HealthMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: DeployStore,
    private readonly deployer: Deployer,
    private readonly ctx: Pick<HubContext, 'config' | 'log'>,
    private readonly spans?: Pick<SpanStore, 'listSpans'>,
  ) {}

  /** The health summary of a target, with the error rate of the app's own runs when it sends spans. */
  async summary(target: Target): Promise<HealthSummary> {
    const since = Date.now() - 86_400_000;
    const summary = summarize(this.store.checks(target.project, target.id, since));
    if (!this.spans || target.platform !== 'local') return summary;
    const page = await this.spans.listSpans({ service: `${target.project}@${target.id}`, kind: 'workflow', from: since, limit: 500 });
    const runs = page.items.length;
    const failed = page.items.filter((span) => span.status === 'error').length;
    return { ...summary, appRuns: runs, appErrorRate: runs ? Math.round((failed / runs) * 10_000) / 100 : null };
  }

  /** (Re)arms the check of a target at its interval. */
  watch(target: Target): void {
    const key = `${target.project}/${target.id}`;
    clearInterval(this.timers.get(key));
    const timer = setInterval(() => void this.check(target).catch((error: unknown) => this.ctx.log.warn({ error: (error as Error).message }, 'deployments: health check failed')), target.healthIntervalMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  unwatch(target: Pick<Target, 'project' | 'id'>): void {
    const key = `${target.project}/${target.id}`;
    clearInterval(this.timers.get(key));
    this.timers.delete(key);
  }

  async check(target: Target): Promise<HealthCheck | undefined> {
    if (target.platform !== 'local') return undefined;
    const deployment = this.store.history(target.project, target.id, 20).find((d) => d.status === 'running' || d.status === 'replaced' || d.status === 'stopped');
    if (!deployment) return undefined;
    const current = this.deployer.current(target.project, target.id);
    const url = current?.app.url ?? deployment.url;
    const check: HealthCheck = { project: target.project, target: target.id, deployment: deployment.id, at: Date.now(), status: 'down', responseMs: null, uptimeSeconds: null, error: null };
    if (!current || !url) {
      check.error = 'no app is running for this target';
    } else {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
        check.responseMs = Math.round((performance.now() - started) * 100) / 100;
        const body = (await response.json().catch(() => null)) as { uptimeSeconds?: number } | null;
        check.uptimeSeconds = typeof body?.uptimeSeconds === 'number' ? body.uptimeSeconds : null;
        if (response.status >= 500) {
          check.error = `/health answered ${response.status}`;
        } else {
          check.status = response.ok && check.responseMs < SLOW_MS ? 'healthy' : 'degraded';
          if (!response.ok) check.error = `/health answered ${response.status}`;
        }
      } catch (error) {
        check.error = (error as Error).message;
      }
    }
    const previous = this.store.lastCheck(target.project, target.id);
    this.store.addCheck(check);
    emitDeploymentHealth(this.ctx, {
      project: check.project,
      target: check.target,
      deployment: check.deployment,
      url: url ?? null,
      status: check.status,
      previous: previous?.status ?? null,
      changed: previous?.status !== check.status,
      at: check.at,
      responseMs: check.responseMs,
      error: check.error,
    });
    return check;
  }

  close(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
