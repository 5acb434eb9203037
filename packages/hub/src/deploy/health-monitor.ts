import type { HubContext } from '../context.js';
import type { SpanStore } from '../store/store.js';
import type { Deployer } from './deployer.js';
import type { Deployment, DeployStore, HealthCheck, HealthStatus, Target } from './deploy-store.js';
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
 * answer, a 5xx, or no app running). Each check is stored and emitted on this hub
 * (health-events.ts). Every hub arms a timer per target, but only the owner of a
 * target's deployment checks it: the app is its child process, on its loopback.
 */
export class HealthMonitor {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; intervalMs: number }>();

  constructor(
    private readonly store: DeployStore,
    private readonly deployer: Deployer,
    private readonly ctx: Pick<HubContext, 'config' | 'log'>,
    private readonly spans?: Pick<SpanStore, 'listSpans'>,
  ) {}

  /** The health summary of a target, with the error rate of the app's own runs when it sends spans. */
  async summary(target: Target): Promise<HealthSummary> {
    const since = Date.now() - 86_400_000;
    const summary = summarize(await this.store.checks(target.project, target.id, since));
    if (!this.spans || target.platform !== 'local') return summary;
    const page = await this.spans.listSpans({ service: `${target.project}@${target.id}`, kind: 'workflow', from: since, limit: 500 });
    const runs = page.items.length;
    const failed = page.items.filter((span) => span.status === 'error').length;
    return { ...summary, appRuns: runs, appErrorRate: runs ? Math.round((failed / runs) * 10_000) / 100 : null };
  }

  /** (Re)arms the check of a target at its interval. */
  watch(target: Target): void {
    const key = `${target.project}/${target.id}`;
    clearInterval(this.timers.get(key)?.timer);
    const timer = setInterval(() => void this.check(target).catch((error: unknown) => this.ctx.log.warn({ error: (error as Error).message }, 'deployments: health check failed')), target.healthIntervalMs);
    timer.unref();
    this.timers.set(key, { timer, intervalMs: target.healthIntervalMs });
  }

  unwatch(target: Pick<Target, 'project' | 'id'>): void {
    const key = `${target.project}/${target.id}`;
    clearInterval(this.timers.get(key)?.timer);
    this.timers.delete(key);
  }

  /** Follows the targets as they are in the store now (another hub may have added or changed one). */
  sync(targets: Target[]): void {
    const keys = new Set(targets.map((t) => `${t.project}/${t.id}`));
    for (const key of this.timers.keys()) if (!keys.has(key)) this.unwatch({ project: key.split('/')[0]!, id: key.split('/')[1]! });
    for (const target of targets) if (this.timers.get(`${target.project}/${target.id}`)?.intervalMs !== target.healthIntervalMs) this.watch(target);
  }

  /**
   * Checks a target's app now, when this hub owns its deployment — or `asked`, when a user asked
   * this hub to check a deployment no live hub owns (it is then `down`: nothing runs it).
   */
  async check(target: Target, options: { asked?: boolean } = {}): Promise<HealthCheck | undefined> {
    if (target.platform !== 'local') return undefined;
    const deployment = (await this.store.history(target.project, target.id, 20)).find((d) => d.status === 'running' || d.status === 'replaced' || d.status === 'stopped');
    if (!deployment) return undefined;
    if (deployment.owner && deployment.owner !== this.deployer.hub && !options.asked) return undefined;
    const current = this.deployer.current(target.project, target.id);
    const url = current?.app.url ?? deployment.url;
    const check: HealthCheck = { project: target.project, target: target.id, deployment: deployment.id, at: Date.now(), status: 'down', responseMs: null, uptimeSeconds: null, error: null };
    if (!current || !url) {
      check.error = `no app is running for this target on hub ${this.deployer.hub}`;
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
    await this.record(check, url ?? null);
    return check;
  }

  /** Records an event that is not a check of the app (a hub taking a deployment over) as a `down` check. */
  async note(deployment: Deployment, error: string): Promise<void> {
    const check: HealthCheck = { project: deployment.project, target: deployment.target, deployment: deployment.id, at: Date.now(), status: 'down', responseMs: null, uptimeSeconds: null, error };
    await this.record(check, deployment.url);
  }

  private async record(check: HealthCheck, url: string | null): Promise<void> {
    const previous = await this.store.lastCheck(check.project, check.target);
    await this.store.addCheck(check);
    emitDeploymentHealth(this.ctx, {
      project: check.project,
      target: check.target,
      deployment: check.deployment,
      url,
      status: check.status,
      previous: previous?.status ?? null,
      changed: previous?.status !== check.status,
      at: check.at,
      responseMs: check.responseMs,
      error: check.error,
    });
  }

  close(): void {
    for (const { timer } of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
