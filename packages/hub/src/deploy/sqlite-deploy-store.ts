import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { KEEP_CHECKS_MS, LEASED, toCheck, toDeployment, toTarget } from './deploy-store.js';
import type { Deployment, DeploymentStatus, DeployStore, HealthCheck, Target } from './deploy-store.js';

/**
 * The embedded `DeployStore`: `<data>/deployments.sqlite` (WAL), small tables written a few times
 * a minute by one hub. Owners and leases are kept as in PostgreSQL, so the deployer works the
 * same on both; with one hub it is always the owner.
 */
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
const list = (statuses: readonly DeploymentStatus[]) => statuses.map((s) => `'${s}'`).join(', ');

export class SqliteDeployStore implements DeployStore {
  private readonly db: Db;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    // Files made before deployments had owners get the two columns.
    const columns = new Set((this.db.prepare('PRAGMA table_info(deployments)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('owner')) this.db.exec('ALTER TABLE deployments ADD COLUMN owner TEXT; ALTER TABLE deployments ADD COLUMN lease_until INTEGER;');
  }

  async close(): Promise<void> {
    this.db.close();
  }

  leaseClock(): number {
    return Date.now(); // one hub, one clock
  }

  async putTarget(target: Target): Promise<Target> {
    this.db
      .prepare('INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project, id) DO UPDATE SET platform = excluded.platform, language = excluded.language, health_interval_ms = excluded.health_interval_ms')
      .run(target.project, target.id, target.platform, target.language, target.healthIntervalMs, target.createdAt);
    return (await this.target(target.project, target.id)) as Target;
  }

  async target(project: string, id: string): Promise<Target | undefined> {
    const row = this.db.prepare('SELECT * FROM targets WHERE project = ? AND id = ?').get(project, id) as Row | undefined;
    return row ? toTarget(row) : undefined;
  }

  async targets(project?: string): Promise<Target[]> {
    const rows = project === undefined ? this.db.prepare('SELECT * FROM targets ORDER BY project, id').all() : this.db.prepare('SELECT * FROM targets WHERE project = ? ORDER BY id').all(project);
    return (rows as Row[]).map(toTarget);
  }

  async deleteTarget(project: string, id: string): Promise<void> {
    this.db.prepare('DELETE FROM targets WHERE project = ? AND id = ?').run(project, id);
  }

  async putDeployment(d: Deployment): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO deployments (id, project, target, platform, language, version, started_at, ended_at, duration_ms, status, logs, url, folder, rollback_of, owner, lease_until)
         VALUES (@id, @project, @target, @platform, @language, @version, @startedAt, @endedAt, @durationMs, @status, @logs, @url, @folder, @rollbackOf, @owner, @leaseUntil)
         ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, status = excluded.status, logs = excluded.logs, url = excluded.url, version = excluded.version
         WHERE deployments.owner IS excluded.owner`,
      )
      .run(d);
    return result.changes === 1;
  }

  async deployment(id: string): Promise<Deployment | undefined> {
    const row = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as Row | undefined;
    return row ? toDeployment(row) : undefined;
  }

  async history(project: string, target: string, limit = 50): Promise<Deployment[]> {
    return (this.db.prepare('SELECT * FROM deployments WHERE project = ? AND target = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(project, target, limit) as Row[]).map(toDeployment);
  }

  async latest(statuses: readonly DeploymentStatus[], project?: string): Promise<Deployment[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY project, target ORDER BY started_at DESC, id DESC) AS n
         FROM deployments WHERE status IN (${list(statuses)}) AND (? IS NULL OR project = ?)) WHERE n = 1 ORDER BY project, target`,
      )
      .all(project ?? null, project ?? null) as Row[];
    return rows.map(toDeployment);
  }

  async claim(id: string, hub: string, now: number, leaseMs: number, statuses: readonly DeploymentStatus[] = LEASED): Promise<Deployment | undefined> {
    const row = this.db
      .prepare(
        `UPDATE deployments SET owner = @hub, lease_until = @until WHERE id = @id AND status IN (${list(statuses)})
         AND (owner IS NULL OR owner = @hub OR lease_until IS NULL OR lease_until < @now) RETURNING *`,
      )
      .get({ id, hub, now, until: now + leaseMs }) as Row | undefined;
    return row ? toDeployment(row) : undefined;
  }

  async renew(hub: string, now: number, leaseMs: number): Promise<string[]> {
    const rows = this.db.prepare(`UPDATE deployments SET lease_until = ? WHERE owner = ? AND status IN (${list(LEASED)}) RETURNING id`).all(now + leaseMs, hub) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async release(hub: string): Promise<void> {
    this.db.prepare('UPDATE deployments SET lease_until = 0 WHERE owner = ?').run(hub);
  }

  async disown(id: string, hub: string): Promise<void> {
    this.db.prepare('UPDATE deployments SET owner = NULL, lease_until = NULL WHERE id = ? AND owner = ?').run(id, hub);
  }

  async claimable(hub: string, now: number): Promise<Deployment[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM deployments WHERE status IN ('running', 'deploying') AND platform = 'local'
         AND (owner IS NULL OR owner = ? OR lease_until IS NULL OR lease_until < ?) ORDER BY started_at`,
      )
      .all(hub, now) as Row[];
    return rows.map(toDeployment);
  }

  async addCheck(check: HealthCheck): Promise<void> {
    this.db.prepare('INSERT INTO health_checks VALUES (@project, @target, @deployment, @at, @status, @responseMs, @uptimeSeconds, @error)').run(check);
    this.db.prepare('DELETE FROM health_checks WHERE project = ? AND target = ? AND at < ?').run(check.project, check.target, check.at - KEEP_CHECKS_MS);
  }

  async checks(project: string, target: string, since: number): Promise<HealthCheck[]> {
    return (this.db.prepare('SELECT * FROM health_checks WHERE project = ? AND target = ? AND at >= ? ORDER BY at LIMIT 2000').all(project, target, since) as Row[]).map(toCheck);
  }

  async lastCheck(project: string, target: string): Promise<HealthCheck | undefined> {
    const row = this.db.prepare('SELECT * FROM health_checks WHERE project = ? AND target = ? ORDER BY at DESC LIMIT 1').get(project, target) as Row | undefined;
    return row ? toCheck(row) : undefined;
  }
}
