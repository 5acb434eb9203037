import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

/**
 * Deployment targets, deployments and health checks (`<data>/deployments.sqlite`, WAL): small
 * tables written a few times a minute, read by the dashboard and GET …/deployments.
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS targets (project TEXT NOT NULL, id TEXT NOT NULL, platform TEXT NOT NULL, language TEXT NOT NULL,
  health_interval_ms INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (project, id));
CREATE TABLE IF NOT EXISTS deployments (id TEXT PRIMARY KEY, project TEXT NOT NULL, target TEXT NOT NULL, platform TEXT NOT NULL,
  language TEXT NOT NULL, version TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, duration_ms INTEGER, status TEXT NOT NULL,
  logs TEXT NOT NULL DEFAULT '', url TEXT, folder TEXT NOT NULL, rollback_of TEXT);
CREATE INDEX IF NOT EXISTS deployments_by_target ON deployments (project, target, started_at);
CREATE TABLE IF NOT EXISTS health_checks (project TEXT NOT NULL, target TEXT NOT NULL, deployment TEXT NOT NULL, at INTEGER NOT NULL,
  status TEXT NOT NULL, response_ms REAL, uptime_seconds REAL, error TEXT);
CREATE INDEX IF NOT EXISTS health_by_target ON health_checks (project, target, at);
`;

type Row = Record<string, unknown>;

function toTarget(row: Row): Target {
  return { project: row.project as string, id: row.id as string, platform: row.platform as Platform, language: row.language as Target['language'], healthIntervalMs: row.health_interval_ms as number, createdAt: row.created_at as number };
}

function toDeployment(row: Row): Deployment {
  return {
    id: row.id as string,
    project: row.project as string,
    target: row.target as string,
    platform: row.platform as Platform,
    language: row.language as Deployment['language'],
    version: row.version as string,
    startedAt: row.started_at as number,
    endedAt: (row.ended_at as number | null) ?? null,
    durationMs: (row.duration_ms as number | null) ?? null,
    status: row.status as DeploymentStatus,
    logs: row.logs as string,
    url: (row.url as string | null) ?? null,
    folder: row.folder as string,
    rollbackOf: (row.rollback_of as string | null) ?? null,
  };
}

function toCheck(row: Row): HealthCheck {
  return {
    project: row.project as string,
    target: row.target as string,
    deployment: row.deployment as string,
    at: row.at as number,
    status: row.status as HealthStatus,
    responseMs: (row.response_ms as number | null) ?? null,
    uptimeSeconds: (row.uptime_seconds as number | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}

export class DeployStore {
  private readonly db: Db;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  putTarget(target: Target): Target {
    this.db
      .prepare('INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project, id) DO UPDATE SET platform = excluded.platform, language = excluded.language, health_interval_ms = excluded.health_interval_ms')
      .run(target.project, target.id, target.platform, target.language, target.healthIntervalMs, target.createdAt);
    return this.target(target.project, target.id) as Target;
  }

  target(project: string, id: string): Target | undefined {
    const row = this.db.prepare('SELECT * FROM targets WHERE project = ? AND id = ?').get(project, id) as Row | undefined;
    return row ? toTarget(row) : undefined;
  }

  targets(project?: string): Target[] {
    const rows = project === undefined ? this.db.prepare('SELECT * FROM targets ORDER BY project, id').all() : this.db.prepare('SELECT * FROM targets WHERE project = ? ORDER BY id').all(project);
    return (rows as Row[]).map(toTarget);
  }

  deleteTarget(project: string, id: string): void {
    this.db.prepare('DELETE FROM targets WHERE project = ? AND id = ?').run(project, id);
  }

  putDeployment(d: Deployment): void {
    this.db
      .prepare(
        `INSERT INTO deployments VALUES (@id, @project, @target, @platform, @language, @version, @startedAt, @endedAt, @durationMs, @status, @logs, @url, @folder, @rollbackOf)
         ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, status = excluded.status, logs = excluded.logs, url = excluded.url, version = excluded.version`,
      )
      .run(d);
  }

  deployment(id: string): Deployment | undefined {
    const row = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as Row | undefined;
    return row ? toDeployment(row) : undefined;
  }

  /** Newest first. */
  history(project: string, target: string, limit = 50): Deployment[] {
    return (this.db.prepare('SELECT * FROM deployments WHERE project = ? AND target = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').all(project, target, limit) as Row[]).map(toDeployment);
  }

  /** Deployments whose app the hub should be running (after a restart too). */
  running(): Deployment[] {
    return (this.db.prepare("SELECT * FROM deployments WHERE status = 'running' ORDER BY started_at").all() as Row[]).map(toDeployment);
  }

  addCheck(check: HealthCheck): void {
    this.db.prepare('INSERT INTO health_checks VALUES (@project, @target, @deployment, @at, @status, @responseMs, @uptimeSeconds, @error)').run(check);
    // Keep a week of checks per target.
    this.db.prepare('DELETE FROM health_checks WHERE project = ? AND target = ? AND at < ?').run(check.project, check.target, check.at - 7 * 86_400_000);
  }

  /** Checks since `since`, oldest first (at most 2,000). */
  checks(project: string, target: string, since: number): HealthCheck[] {
    return (this.db.prepare('SELECT * FROM health_checks WHERE project = ? AND target = ? AND at >= ? ORDER BY at LIMIT 2000').all(project, target, since) as Row[]).map(toCheck);
  }

  lastCheck(project: string, target: string): HealthCheck | undefined {
    const row = this.db.prepare('SELECT * FROM health_checks WHERE project = ? AND target = ? ORDER BY at DESC LIMIT 1').get(project, target) as Row | undefined;
    return row ? toCheck(row) : undefined;
  }
}
