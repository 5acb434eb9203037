/**
 * Deployment targets, deployments and health checks: the `DeployStore` port. Embedded, one hub
 * keeps them in `<data>/deployments.sqlite` (sqlite-deploy-store.ts); with `--db` every hub shares
 * them in PostgreSQL (postgres-deploy-store.ts). Both pass deploy-store-cases.ts.
 *
 * Each deployment has an **owner**: the hub whose child process runs its app, holding a lease it
 * renews (`leaseUntil`). A record is changed only by its owner (`putDeployment` writes nothing
 * once another hub owns it), and ownership moves only by `claim`, a conditional update that one
 * hub wins: so when an owner dies, exactly one other hub takes its deployments over.
 */

export const PLATFORMS = ['local', 'docker', 'railway', 'fly', 'render', 'cloud-run'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type DeploymentStatus = 'deploying' | 'running' | 'failed' | 'stopped' | 'replaced' | 'generated';
export type HealthStatus = 'healthy' | 'degraded' | 'down';

export interface Target {
  project: string;
  id: string;
  platform: Platform;
  language: 'python' | 'typescript';
  healthIntervalMs: number;
  createdAt: number;
}

export interface Deployment {
  id: string;
  project: string;
  target: string;
  platform: Platform;
  language: 'python' | 'typescript';
  /** The commit hash of the project folder that was deployed. */
  version: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  status: DeploymentStatus;
  logs: string;
  url: string | null;
  folder: string;
  rollbackOf: string | null;
  /** The hub that runs (or last ran) the app; `null` for records written before owners existed. */
  owner: string | null;
  /** Until when the owner's lease holds (epoch ms); past it, another hub may claim the deployment. */
  leaseUntil: number | null;
}

export interface HealthCheck {
  project: string;
  target: string;
  deployment: string;
  at: number;
  status: HealthStatus;
  responseMs: number | null;
  uptimeSeconds: number | null;
  error: string | null;
}

/** Statuses whose owner keeps a lease: what it runs, is deploying, or may start again. */
export const LEASED: readonly DeploymentStatus[] = ['running', 'deploying', 'stopped'];

export interface DeployStore {
  putTarget(target: Target): Promise<Target>;
  target(project: string, id: string): Promise<Target | undefined>;
  /** Every target (of one project), ordered by project and id. */
  targets(project?: string): Promise<Target[]>;
  deleteTarget(project: string, id: string): Promise<void>;

  /**
   * Inserts a deployment, or updates it (status, times, logs, url, version) while the stored owner
   * is `d.owner`. Owner and lease are written on insert only. False: another hub owns it now.
   */
  putDeployment(d: Deployment): Promise<boolean>;
  deployment(id: string): Promise<Deployment | undefined>;
  /** Newest first. */
  history(project: string, target: string, limit?: number): Promise<Deployment[]>;
  /** The newest deployment of each target of a project (all projects when omitted) with one of `statuses`. */
  latest(statuses: readonly DeploymentStatus[], project?: string): Promise<Deployment[]>;

  /**
   * Makes `hub` the owner of a deployment with one of `statuses`, with a lease until `now + leaseMs`,
   * when it has no owner, is `hub`'s already, or its lease ran out before `now`. Undefined when
   * another hub holds it (or the status differs): of hubs claiming at once, one wins.
   */
  claim(id: string, hub: string, now: number, leaseMs: number, statuses?: readonly DeploymentStatus[]): Promise<Deployment | undefined>;
  /** Extends the lease of every deployment `hub` owns in a LEASED status; answers their ids. */
  renew(hub: string, now: number, leaseMs: number): Promise<string[]>;
  /** Ends `hub`'s leases at once (a hub stopping): other hubs may take its deployments over. */
  release(hub: string): Promise<void>;
  /** Leaves a deployment `hub` owns without an owner, for any hub (this one too) to claim and run. */
  disown(id: string, hub: string): Promise<void>;
  /** Local deployments that should run or were being deployed, and that `hub` may claim: its own, unowned, or lapsed. */
  claimable(hub: string, now: number): Promise<Deployment[]>;

  addCheck(check: HealthCheck): Promise<void>;
  /** Checks since `since`, oldest first (at most 2,000). */
  checks(project: string, target: string, since: number): Promise<HealthCheck[]>;
  lastCheck(project: string, target: string): Promise<HealthCheck | undefined>;

  /**
   * Now, in epoch ms, on the clock leases are measured by: the database server's for PostgreSQL
   * (this host's clock corrected by its offset, measured at open and at each renewal), so hubs on
   * hosts whose clocks disagree still agree on when a lease ran out.
   */
  leaseClock(): number;

  close(): Promise<void>;
}

type Row = Record<string, unknown>;
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function toTarget(row: Row): Target {
  return { project: row.project as string, id: row.id as string, platform: row.platform as Platform, language: row.language as Target['language'], healthIntervalMs: Number(row.health_interval_ms), createdAt: Number(row.created_at) };
}

export function toDeployment(row: Row): Deployment {
  return {
    id: row.id as string,
    project: row.project as string,
    target: row.target as string,
    platform: row.platform as Platform,
    language: row.language as Deployment['language'],
    version: row.version as string,
    startedAt: Number(row.started_at),
    endedAt: num(row.ended_at),
    durationMs: num(row.duration_ms),
    status: row.status as DeploymentStatus,
    logs: row.logs as string,
    url: (row.url as string | null) ?? null,
    folder: row.folder as string,
    rollbackOf: (row.rollback_of as string | null) ?? null,
    owner: (row.owner as string | null) ?? null,
    leaseUntil: num(row.lease_until),
  };
}

export function toCheck(row: Row): HealthCheck {
  return {
    project: row.project as string,
    target: row.target as string,
    deployment: row.deployment as string,
    at: Number(row.at),
    status: row.status as HealthStatus,
    responseMs: num(row.response_ms),
    uptimeSeconds: num(row.uptime_seconds),
    error: (row.error as string | null) ?? null,
  };
}

/** Health checks are kept a week per target. */
export const KEEP_CHECKS_MS = 7 * 86_400_000;
