import type pg from 'pg';
import type { RunStore, WorkflowSource } from '@runtime-hub/engine';
import { ProjectDefinition } from '@runtime-hub/protocol';
import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { inTransaction } from '../../store/postgres/pool.js';
import { announceCatalogChange } from './catalog-follower.js';

/**
 * Scaled mode: the hubs' project catalog mirrored in PostgreSQL, so workers need no project
 * folders. The folders stay the source of truth on the hubs (git, export, deploy work on them);
 * after every change a hub publishes the project (its definition and which saved version of each
 * workflow is current), and workers read it from here. A run never depends on the mirror for its
 * own definition: it carries its version, read from `wf_versions`, committed before the run.
 */
export class PostgresCatalogMirror {
  constructor(private readonly pool: pg.Pool) {}

  /** One project as the hub's catalog holds it now; `undefined`: it was deleted. */
  async publish(projectId: string, project: ProjectDefinition | undefined, workflows: readonly WorkflowDefinition[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await announceCatalogChange(client, { kind: 'project', project: projectId });
      await client.query('DELETE FROM wf_current_workflows WHERE project = $1', [projectId]);
      if (!project) {
        await client.query('DELETE FROM wf_projects WHERE id = $1', [projectId]);
        return;
      }
      await client.query('INSERT INTO wf_projects (id, definition) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition', [projectId, JSON.stringify(project)]);
      if (workflows.length === 0) return;
      await client.query('INSERT INTO wf_current_workflows (project, workflow, version) SELECT $1, * FROM unnest($2::text[], $3::int[])', [
        projectId,
        workflows.map((w) => w.id),
        workflows.map((w) => w.version ?? 0),
      ]);
    });
  }

  /** The whole catalog at a hub's start: projects no longer in the folders go. */
  async publishAll(projects: readonly ProjectDefinition[], workflowsOf: (project: string) => readonly WorkflowDefinition[]): Promise<void> {
    for (const project of projects) await this.publish(project.id, project, workflowsOf(project.id));
    await inTransaction(this.pool, async (client) => {
      const gone = await client.query('DELETE FROM wf_projects WHERE NOT (id = ANY($1))', [projects.map((p) => p.id)]);
      await client.query('DELETE FROM wf_current_workflows WHERE NOT (project = ANY($1))', [projects.map((p) => p.id)]);
      if ((gone.rowCount ?? 0) > 0) await announceCatalogChange(client, { kind: 'all' });
    });
  }
}

/**
 * A worker's {@link WorkflowSource}: the projects and current workflows the hubs published
 * (`PostgresCatalogMirror`), read at start and kept current by their notifications
 * (`catalog-follower.ts`); before the worker drives a run, its project is read again only when a
 * change committed before may not be in yet. Past versions straight from the run store.
 */
export class PostgresWorkflowSource implements WorkflowSource {
  private readonly projects = new Map<string, ProjectDefinition>();
  private readonly workflows = new Map<string, Map<string, WorkflowDefinition>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly versions: Pick<RunStore, 'getWorkflowVersion'>,
  ) {}

  /** Tells whether the copy holds every change committed so far (a worker's `CatalogFollower`). */
  freshness: { upToDate(): Promise<boolean> } | undefined;

  /** Every project; or one project as it is now: read again unless the copy is known to be current. */
  async load(project?: string): Promise<void> {
    if (project !== undefined && (await this.freshness?.upToDate())) return;
    await this.read(project);
  }

  /** Every project, or one project again, from the mirror. */
  async read(project?: string): Promise<void> {
    const filter = project === undefined ? '' : 'WHERE p.id = $1';
    const params = project === undefined ? [] : [project];
    const [projects, current] = await Promise.all([
      this.pool.query<{ id: string; definition: string }>(`SELECT p.id, p.definition FROM wf_projects p ${filter}`, params),
      this.pool.query<{ project: string; definition: string }>(
        `SELECT c.project, v.definition FROM wf_current_workflows c
         JOIN wf_versions v ON v.project = c.project AND v.workflow = c.workflow AND v.version = c.version
         ${project === undefined ? '' : 'WHERE c.project = $1'}`,
        params,
      ),
    ]);
    if (project === undefined) {
      this.projects.clear();
      this.workflows.clear();
    } else {
      this.projects.delete(project);
      this.workflows.delete(project);
    }
    for (const row of projects.rows) {
      this.projects.set(row.id, ProjectDefinition.parse(JSON.parse(row.definition)));
      this.workflows.set(row.id, new Map());
    }
    for (const row of current.rows) {
      const definition = JSON.parse(row.definition) as WorkflowDefinition;
      this.workflows.get(row.project)?.set(definition.id, definition);
    }
  }

  getProject(project: string): ProjectDefinition | undefined {
    return this.projects.get(project);
  }

  getWorkflow(project: string, workflow: string): WorkflowDefinition | undefined {
    return this.workflows.get(project)?.get(workflow);
  }

  async getWorkflowVersion(project: string, workflow: string, version: number): Promise<WorkflowDefinition | undefined> {
    return (await this.versions.getWorkflowVersion(project, workflow, version))?.definition;
  }
}
