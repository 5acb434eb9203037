import type Database from 'better-sqlite3';
import type pg from 'pg';

/** Which workflows were made from which template, and how their runs fared: the recommender's local evidence. */
export interface TemplateUses {
  recordUse(project: string, workflow: string, template: string, at: number): Promise<void>;
  /** Per template: workflows made from it (still or once), their finished runs (last 30 days) and successes. */
  stats(now: number): Promise<TemplateStats>;
}

export type TemplateStats = Record<string, { uses: number; runs: number; succeeded: number }>;

const DAY = 86_400_000;

/** {@link TemplateUses} in `workflows.sqlite`, next to the run rollups it joins. */
export class SqliteTemplateUses implements TemplateUses {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS template_uses (
      project TEXT NOT NULL,
      workflow TEXT NOT NULL,
      template TEXT NOT NULL,
      created_at REAL NOT NULL,
      PRIMARY KEY (project, workflow)
    ) WITHOUT ROWID`);
  }

  recordUse(project: string, workflow: string, template: string, at: number): Promise<void> {
    this.db
      .prepare('INSERT INTO template_uses (project, workflow, template, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (project, workflow) DO UPDATE SET template = excluded.template, created_at = excluded.created_at')
      .run(project, workflow, template, at);
    return Promise.resolve();
  }

  stats(now: number): Promise<TemplateStats> {
    const rows = this.db
      .prepare(
        `SELECT u.template, COUNT(DISTINCT u.project || '/' || u.workflow) AS uses,
                COALESCE(SUM(r.succeeded + r.failed), 0) AS runs, COALESCE(SUM(r.succeeded), 0) AS succeeded
         FROM template_uses u
         LEFT JOIN run_rollups r ON r.resolution = ? AND r.bucket >= ? AND r.project = u.project AND r.workflow = u.workflow
         GROUP BY u.template`,
      )
      .all(DAY, now - 30 * DAY) as { template: string; uses: number; runs: number; succeeded: number }[];
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.template, { uses: r.uses, runs: r.runs, succeeded: r.succeeded }])));
  }
}

/** {@link TemplateUses} on PostgreSQL (scaled mode), next to the `wf_` run rollups it joins. */
export class PostgresTemplateUses implements TemplateUses {
  constructor(private readonly pool: pg.Pool) {}

  async recordUse(project: string, workflow: string, template: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO wf_template_uses (project, workflow, template, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (project, workflow) DO UPDATE SET template = excluded.template, created_at = excluded.created_at',
      [project, workflow, template, at],
    );
  }

  async stats(now: number): Promise<TemplateStats> {
    const { rows } = await this.pool.query<{ template: string; uses: number; runs: number; succeeded: number }>(
      `SELECT u.template, COUNT(DISTINCT (u.project, u.workflow))::int AS uses,
              COALESCE(SUM(r.succeeded + r.failed), 0)::int AS runs, COALESCE(SUM(r.succeeded), 0)::int AS succeeded
       FROM wf_template_uses u
       LEFT JOIN wf_run_rollups r ON r.resolution = $1 AND r.bucket >= $2 AND r.project = u.project AND r.workflow = u.workflow
       GROUP BY u.template`,
      [DAY, now - 30 * DAY],
    );
    return Object.fromEntries(rows.map((r) => [r.template, { uses: r.uses, runs: r.runs, succeeded: r.succeeded }]));
  }
}
