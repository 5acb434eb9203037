import type pg from 'pg';
import { openMigratedPool } from '../store/postgres/migrate.js';
import { KEEP_CHECKS_MS, LEASED, toCheck, toDeployment, toTarget } from './deploy-store.js';
import type { Deployment, DeploymentStatus, DeployStore, HealthCheck, Target } from './deploy-store.js';

/**
 * Deployments in PostgreSQL (scaled mode, `--db`): the tables of `<data>/deployments.sqlite`
 * (migration 8, prefixed `deploy_`), shared by every hub, so each hub lists every deployment with
 * its owner and health. Ownership moves only by `claim`, an UPDATE conditional on the lease: of
 * hubs that find an owner's lease lapsed at the same moment, one row update wins.
 */
export class PostgresDeployStore implements DeployStore {
  /** The database server's clock minus this host's, in ms. */
  private offset = 0;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresDeployStore> {
    const store = new PostgresDeployStore(await openMigratedPool(url, { max: 3, applicationName: 'runtime-hub deployments' }));
    await store.measureClock().catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    return store;
  }

  /** The server's clock against this host's, the round trip's middle taken as the moment it was read. */
  private async measureClock(): Promise<void> {
    const before = Date.now();
    const { rows } = await this.pool.query<{ ms: number }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms');
    this.offset = rows[0]!.ms - (before + Date.now()) / 2;
  }

  leaseClock(): number {
    return Math.round(Date.now() + this.offset);
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await this.pool.query(sql, params)).rows as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async putTarget(target: Target): Promise<Target> {
    const [row] = await this.rows(
      `INSERT INTO deploy_targets VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project, id)
       DO UPDATE SET platform = excluded.platform, language = excluded.language, health_interval_ms = excluded.health_interval_ms RETURNING *`,
      [target.project, target.id, target.platform, target.language, target.healthIntervalMs, target.createdAt],
    );
    return toTarget(row!);
  }

  async target(project: string, id: string): Promise<Target | undefined> {
    const [row] = await this.rows('SELECT * FROM deploy_targets WHERE project = $1 AND id = $2', [project, id]);
    return row ? toTarget(row) : undefined;
  }

  async targets(project?: string): Promise<Target[]> {
    const rows = project === undefined ? await this.rows('SELECT * FROM deploy_targets ORDER BY project, id') : await this.rows('SELECT * FROM deploy_targets WHERE project = $1 ORDER BY id', [project]);
    return rows.map(toTarget);
  }

  async deleteTarget(project: string, id: string): Promise<void> {
    await this.pool.query('DELETE FROM deploy_targets WHERE project = $1 AND id = $2', [project, id]);
  }

  async putDeployment(d: Deployment): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO deploy_deployments (id, project, target, platform, language, version, started_at, ended_at, duration_ms, status, logs, url, folder, rollback_of, owner, lease_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, status = excluded.status, logs = excluded.logs, url = excluded.url, version = excluded.version
       WHERE deploy_deployments.owner IS NOT DISTINCT FROM excluded.owner`,
      [d.id, d.project, d.target, d.platform, d.language, d.version, d.startedAt, d.endedAt, d.durationMs, d.status, d.logs, d.url, d.folder, d.rollbackOf, d.owner, d.leaseUntil],
    );
    return result.rowCount === 1;
  }

  async deployment(id: string): Promise<Deployment | undefined> {
    const [row] = await this.rows('SELECT * FROM deploy_deployments WHERE id = $1', [id]);
    return row ? toDeployment(row) : undefined;
  }

  async history(project: string, target: string, limit = 50): Promise<Deployment[]> {
    return (await this.rows('SELECT * FROM deploy_deployments WHERE project = $1 AND target = $2 ORDER BY started_at DESC, id DESC LIMIT $3', [project, target, limit])).map(toDeployment);
  }

  async latest(statuses: readonly DeploymentStatus[], project?: string): Promise<Deployment[]> {
    const rows = await this.rows(
      `SELECT DISTINCT ON (project, target) * FROM deploy_deployments WHERE status = ANY($1) AND ($2::text IS NULL OR project = $2)
       ORDER BY project, target, started_at DESC, id DESC`,
      [statuses, project ?? null],
    );
    return rows.map(toDeployment);
  }

  async claim(id: string, hub: string, now: number, leaseMs: number, statuses: readonly DeploymentStatus[] = LEASED): Promise<Deployment | undefined> {
    const [row] = await this.rows(
      `UPDATE deploy_deployments SET owner = $2, lease_until = $4 WHERE id = $1 AND status = ANY($5)
       AND (owner IS NULL OR owner = $2 OR lease_until IS NULL OR lease_until < $3) RETURNING *`,
      [id, hub, now, now + leaseMs, statuses],
    );
    return row ? toDeployment(row) : undefined;
  }

  async renew(hub: string, now: number, leaseMs: number): Promise<string[]> {
    void this.measureClock().catch(() => undefined); // for the next round
    const rows = await this.rows('UPDATE deploy_deployments SET lease_until = $1 WHERE owner = $2 AND status = ANY($3) RETURNING id', [now + leaseMs, hub, LEASED]);
    return rows.map((r) => r.id as string);
  }

  async release(hub: string): Promise<void> {
    await this.pool.query('UPDATE deploy_deployments SET lease_until = 0 WHERE owner = $1', [hub]);
  }

  async disown(id: string, hub: string): Promise<void> {
    await this.pool.query('UPDATE deploy_deployments SET owner = NULL, lease_until = NULL WHERE id = $1 AND owner = $2', [id, hub]);
  }

  async claimable(hub: string, now: number): Promise<Deployment[]> {
    const rows = await this.rows(
      `SELECT * FROM deploy_deployments WHERE status IN ('running', 'deploying') AND platform = 'local'
       AND (owner IS NULL OR owner = $1 OR lease_until IS NULL OR lease_until < $2) ORDER BY started_at`,
      [hub, now],
    );
    return rows.map(toDeployment);
  }

  async addCheck(check: HealthCheck): Promise<void> {
    await this.pool.query('INSERT INTO deploy_health_checks VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      check.project, check.target, check.deployment, check.at, check.status, check.responseMs, check.uptimeSeconds, check.error,
    ]);
    await this.pool.query('DELETE FROM deploy_health_checks WHERE project = $1 AND target = $2 AND at < $3', [check.project, check.target, check.at - KEEP_CHECKS_MS]);
  }

  async checks(project: string, target: string, since: number): Promise<HealthCheck[]> {
    return (await this.rows('SELECT * FROM deploy_health_checks WHERE project = $1 AND target = $2 AND at >= $3 ORDER BY at LIMIT 2000', [project, target, since])).map(toCheck);
  }

  async lastCheck(project: string, target: string): Promise<HealthCheck | undefined> {
    const [row] = await this.rows('SELECT * FROM deploy_health_checks WHERE project = $1 AND target = $2 ORDER BY at DESC LIMIT 1', [project, target]);
    return row ? toCheck(row) : undefined;
  }
}
