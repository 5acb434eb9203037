/** What the deploy view shows, from the hub's deployment API (docs/export.md). Pure helpers. */

export type HealthStatus = 'healthy' | 'degraded' | 'down';

export interface Deployment {
  id: string;
  platform: string;
  language: string;
  version: string;
  startedAt: number;
  durationMs: number | null;
  status: 'deploying' | 'running' | 'failed' | 'stopped' | 'replaced' | 'generated';
  logs: string;
  url: string | null;
  rollbackOf: string | null;
}

export interface HealthSummary {
  status: HealthStatus | 'unknown';
  lastCheckAt: number | null;
  uptimePercent: number | null;
  responseMs: number | null;
  errorRate: number | null;
  checks: number;
  /** From the app's own spans, when it is instrumented. */
  appRuns?: number;
  appErrorRate?: number | null;
}

export interface TargetView {
  id: string;
  platform: string;
  language: 'python' | 'typescript';
  healthIntervalMs: number;
  reachable: boolean;
  current: Deployment | null;
  /** The hub that runs (or last ran) the current deployment's app, and whether its lease holds. */
  owner?: { hub: string; live: boolean; thisHub: boolean } | null;
  health: HealthSummary;
}

export interface HealthCheck {
  at: number;
  status: HealthStatus;
  responseMs: number | null;
}

export const STATUS_STYLE: Record<string, string> = {
  healthy: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  running: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  degraded: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  deploying: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  generated: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  down: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
};

/** "42 ms", "1.2 s", "—". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(value === 100 || value === 0 ? 0 : 1)} %`;
}

/**
 * Bars of a health chart: one per check, oldest left, height by response time relative to the
 * slowest shown (a down check is a full-height red bar).
 */
export function healthBars(checks: HealthCheck[], max = 60): { x: number; height: number; status: HealthStatus; title: string }[] {
  const shown = checks.slice(-max);
  const slowest = Math.max(1, ...shown.map((c) => c.responseMs ?? 0));
  return shown.map((check, i) => ({
    x: i,
    height: check.status === 'down' ? 1 : Math.max(0.08, (check.responseMs ?? 0) / slowest),
    status: check.status,
    title: `${new Date(check.at).toLocaleTimeString()} ${check.status}${check.responseMs === null ? '' : ` ${formatMs(check.responseMs)}`}`,
  }));
}

/** Where a target's app runs, for its header: "on this hub", "on hub X", or a lapsed owner's note. */
export function ownerLabel(owner: TargetView['owner']): string | null {
  if (!owner) return null;
  if (!owner.live) return `hub ${owner.hub} stopped renewing its lease: another hub takes the app over`;
  return owner.thisHub ? 'runs on this hub' : `runs on hub ${owner.hub}`;
}
