import { join } from 'node:path';
import { CronScheduler, Engine, createRegistry } from '@runtime-hub/engine';
import type { CronFire, EngineLogger, NodeRegistry, RunCoordinator, WorkflowSource } from '@runtime-hub/engine';
import type { RunRecord } from '@runtime-hub/protocol';
import { WorkerSandbox, childShell, fetchHttp, officialLlmClients, randomIds, smtpMail, systemClock } from '@runtime-hub/engine/node';
import type { WorkflowDefinition } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';
import { matchEndpoint } from './endpoints.js';
import type { EndpointMatch } from './endpoints.js';
import { ProjectCatalog } from './projects/catalog.js';
import { ProjectFiles } from './projects/project-files.js';
import { loadSecretKey } from './secrets/secret-key.js';
import { SecretVault } from './secrets/secret-vault.js';
import { EmbeddedRunCoordinator } from './coordinator/embedded-coordinator.js';
import { IngestSpanSink } from './span-sink.js';
import type { RunMetricsStore } from './metrics/run-metrics.js';
import { attachRunMetrics } from './metrics/attach-run-metrics.js';
import { importLocalState } from './import-local-state.js';
import type { PostgresWorkflowState } from './postgres-workflow-state.js';
import { SqliteSecretRows } from './secrets/secret-rows.js';
import { SqliteTemplateUses, type TemplateUses } from './templates/template-uses.js';
import { SqliteRunStore } from './store/sqlite-run-store.js';
import type { WorkflowRuns } from './store/workflow-runs.js';

/**
 * Scaled mode (docs/scaling.md): a hub `dispatch`es new runs to the workers' queue; a `worker`
 * drives the runs its queue hands it. Every replica asks the shared coordinator before a cron tick.
 */
export interface ScaledWorkflows {
  mode: 'dispatch' | 'worker';
  dispatch?: (run: RunRecord) => Promise<void>;
  cancelRemote?: (runId: string, reason: string) => Promise<void>;
  coordinator: RunCoordinator;
  /**
   * PostgreSQL with `--db`: the runs, saved versions, run metrics, secrets, template uses and the
   * projects' mirror live there instead of the data folder, shared by every hub and worker.
   */
  postgres?: PostgresWorkflowState;
}

/**
 * The workflow pillar inside the hub: the engine with its Node adapters, the SQLite run store
 * (`<dataDir>/workflows.sqlite`), project folders (`<dataDir>/projects/`), the secret vault and
 * the cron scheduler. Routes talk to this object only.
 */
export class WorkflowService {
  readonly registry: NodeRegistry;
  /**
   * `<data>/workflows.sqlite`: the run store, or on a hub with `--db` the file its state is copied
   * from (import-local-state.ts). A worker with `--db` has none: its folder holds no database.
   */
  readonly store: SqliteRunStore | undefined;
  /** The runs, their steps, schedules and saved versions: `store`, or PostgreSQL in scaled mode with `--db`. */
  readonly runs: WorkflowRuns;
  /** Run rollups, recorded in the run store's transaction as runs finish (metrics/). */
  readonly metrics: RunMetricsStore;
  readonly vault: SecretVault;
  readonly templateUses: TemplateUses;
  /** The project folders (on a hub; a scaled worker with `--db` reads `source` instead). */
  readonly catalog: ProjectCatalog;
  /** Where the engine reads projects and workflows: the catalog, or the hubs' mirror in PostgreSQL on a worker. */
  readonly source: WorkflowSource;
  readonly engine: Engine;
  readonly scheduler: CronScheduler;
  private readonly sink: IngestSpanSink;
  private readonly sandbox: WorkerSandbox;
  private readonly log: EngineLogger;
  private readonly config: HubContext['config'];
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly coordinator: RunCoordinator;

  constructor(
    ctx: Pick<HubContext, 'config' | 'ingest' | 'log'>,
    private readonly scaled?: ScaledWorkflows,
  ) {
    const { dataDir } = ctx.config;
    this.config = ctx.config;
    const pino = ctx.log;
    // Only ids, codes and counts are logged here — never config values, inputs or outputs.
    this.log = {
      info: (message, fields) => pino.info(fields ?? {}, message),
      warn: (message, fields) => pino.warn(fields ?? {}, message),
      error: (message, fields) => pino.error(fields ?? {}, message),
    };
    this.registry = createRegistry();
    const postgres = scaled?.postgres;
    const local = postgres && scaled?.mode === 'worker' ? undefined : new SqliteRunStore(join(dataDir, 'workflows.sqlite'));
    this.store = local;
    this.runs = postgres?.runs ?? local!;
    const metricsFailed = (error: unknown) => this.log.warn('workflows: run metrics not recorded', { error: (error as Error).message });
    this.metrics = attachRunMetrics(postgres?.runs ?? local!, metricsFailed);
    this.vault = postgres ? new SecretVault(postgres.secrets, postgres.key?.key) : new SecretVault(new SqliteSecretRows(local!.db), loadSecretKey(dataDir).key);
    this.templateUses = postgres?.templateUses ?? new SqliteTemplateUses(local!.db);
    const files = new ProjectFiles(join(dataDir, 'projects'));
    this.catalog = new ProjectCatalog(files, this.runs, this.registry, () => Date.now(), (message, fields) => this.log.warn(message, fields));
    this.source = postgres && scaled?.mode === 'worker' ? postgres.source : this.catalog;
    if (postgres && scaled?.mode === 'dispatch') this.catalog.onChange = (project) => this.publish(project);
    this.sink = new IngestSpanSink(ctx);
    this.sandbox = new WorkerSandbox();
    this.engine = new Engine({
      clock: systemClock,
      ids: randomIds,
      store: this.runs,
      workflows: this.source,
      secrets: this.vault,
      spans: this.sink,
      log: this.log,
      http: fetchHttp,
      shell: childShell({ defaultCwd: (project) => files.folder(project) }),
      sandbox: this.sandbox,
      llm: officialLlmClients(),
      mail: smtpMail(),
      registry: this.registry,
      limits: ctx.config.workflowLimits,
      ...(scaled ? { mode: scaled.mode, dispatch: scaled.dispatch && this.afterPublished(scaled.dispatch), cancelRemote: scaled.cancelRemote } : {}),
    });
    this.coordinator = scaled?.coordinator ?? new EmbeddedRunCoordinator();
    this.scheduler = new CronScheduler({ clock: systemClock, store: this.runs, fire: (fire) => this.fireCron(fire), log: this.log });
  }

  /** Loads the project folders (a hub publishes them to PostgreSQL in scaled mode); runs nothing yet. */
  async load(): Promise<void> {
    const postgres = this.scaled?.postgres;
    if (postgres && this.scaled?.mode === 'worker') return postgres.source.load();
    if (postgres && this.store) {
      // Before the catalog settles versions: a workflow's saved history comes over first.
      const imported = await importLocalState(this.store.db, postgres.runs.pool, postgres.key?.key);
      if (imported.secrets + imported.versions + imported.templateUses > 0) this.log.info('workflows: copied the data folder\'s secrets, versions and template uses to PostgreSQL', imported);
    }
    await this.catalog.load();
    await postgres?.mirror.publishAll(this.catalog.listProjects(), (project) => this.catalog.listWorkflows(project));
  }

  /** Catalog changes published to PostgreSQL, one after another (scaled mode). */
  private publishing: Promise<void> = Promise.resolve();

  /** After a project or one of its workflows changed: workers read it from PostgreSQL. */
  private publish(project: string): void {
    const mirror = this.scaled?.postgres?.mirror;
    if (!mirror) return;
    this.publishing = this.publishing
      .then(() => mirror.publish(project, this.catalog.getProject(project), this.catalog.listWorkflows(project)))
      .catch((error: unknown) => this.log.error('workflows: could not publish a project for the workers', { project, error: (error as Error).message }));
  }

  /** A run goes to the workers once every catalog change made before it is published: its worker sees its project as it is. */
  private afterPublished(dispatch: (run: RunRecord) => Promise<void>): (run: RunRecord) => Promise<void> {
    return async (run) => {
      await this.publishing;
      await dispatch(run);
    };
  }

  /**
   * A worker, before it drives a run: the run's project and secrets as they are now, committed
   * by any hub (PostgreSQL), or the project folders read again for a project not seen yet.
   */
  async prepareRun(project: string): Promise<void> {
    const postgres = this.scaled?.postgres;
    if (postgres) {
      await Promise.all([postgres.source.load(project), this.vault.refresh(project)]);
      return;
    }
    await this.vault.refresh(project);
    // One reload at a time, awaited by every run meanwhile: a project being reloaded has no workflows yet.
    if (this.reloading) await this.reloading;
    if (!this.catalog.getProject(project)) {
      this.reloading ??= this.catalog.load().finally(() => (this.reloading = undefined));
      await this.reloading;
    }
  }

  private reloading: Promise<void> | undefined;

  /** Resumes interrupted runs and arms the cron schedules. */
  async start(): Promise<void> {
    await this.engine.start();
    if (this.scaled?.mode === 'worker') return; // hubs fire schedules and prune
    await this.syncSchedules();
    this.scheduleRetention();
  }

  /**
   * With `retentionDays` set, finished runs older than that are deleted, like old spans — from
   * PostgreSQL in scaled mode, where every hub prunes: the deletes are idempotent, so two hubs
   * pruning at once only find less to delete.
   */
  private scheduleRetention(): void {
    const days = this.config.retentionDays;
    if (days === undefined) return;
    let pruning = false;
    const prune = async () => {
      if (pruning) return;
      pruning = true;
      try {
        let removed = 0;
        for (let batch = await this.runs.pruneFinishedRuns(Date.now() - days * 86_400_000); batch > 0; batch = await this.runs.pruneFinishedRuns(Date.now() - days * 86_400_000)) {
          removed += batch;
        }
        if (removed > 0) this.log.info('workflows: pruned finished runs', { removed, days });
      } catch (error) {
        this.log.warn('workflows: pruning runs failed', { error: (error as Error).message });
      } finally {
        pruning = false;
      }
    };
    void prune();
    this.retentionTimer = setInterval(() => void prune(), this.config.retentionIntervalMs);
    this.retentionTimer.unref();
  }

  /** Forgets the schedule state of a deleted workflow or project. */
  async deleteSchedules(project: string, workflow?: string): Promise<void> {
    await this.runs.deleteSchedules(project, workflow);
  }

  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.scheduler.stop();
    await this.engine.stop(2000);
    await this.sandbox.close();
    await this.sink.drain();
    await this.store?.close();
    await this.scaled?.postgres?.close();
  }

  /** Re-arms cron schedules after any workflow change. */
  async syncSchedules(): Promise<void> {
    const entries = this.catalog
      .allWorkflows()
      .filter((w): w is WorkflowDefinition & { trigger: { type: 'cron' } } => w.trigger.type === 'cron')
      .map((w) => ({ project: w.project as string, workflow: w.id, trigger: w.trigger }));
    await this.scheduler.sync(entries);
  }

  private async fireCron(fire: CronFire): Promise<void> {
    // Every replica's scheduler sees the tick; one fires it.
    if (!(await this.coordinator.claimTick(`${fire.project}/${fire.workflow}`, fire.scheduledAt))) return;
    const trigger = { type: 'cron' as const, scheduledAt: new Date(fire.scheduledAt).toISOString(), firedAt: new Date().toISOString() };
    await this.engine.startRun({
      project: fire.project,
      workflow: fire.workflow,
      trigger: fire.missed === undefined ? trigger : { ...trigger, missed: fire.missed },
    });
  }

  endpoint(project: string, method: string, path: string): EndpointMatch | undefined {
    return matchEndpoint(this.catalog.publicWorkflows(project), method, path);
  }
}
