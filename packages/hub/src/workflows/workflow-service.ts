import { join } from 'node:path';
import { CronScheduler, Engine, createRegistry } from '@runtime-hub/engine';
import type { CronFire, EngineLogger, NodeRegistry, RunCoordinator, RunStore } from '@runtime-hub/engine';
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
import { SqliteRunStore } from './store/sqlite-run-store.js';

/**
 * Scaled mode (docs/scaling.md): a hub `dispatch`es new runs to the workers' queue; a `worker`
 * drives the runs its queue hands it. Every replica asks the shared coordinator before a cron tick.
 */
export interface ScaledWorkflows {
  mode: 'dispatch' | 'worker';
  dispatch?: (run: RunRecord) => Promise<void>;
  cancelRemote?: (runId: string, reason: string) => Promise<void>;
  coordinator: RunCoordinator;
  /** Where runs live when not in `<data>/workflows.sqlite`: PostgreSQL with `--db`. */
  runs?: RunStore;
}

/**
 * The workflow pillar inside the hub: the engine with its Node adapters, the SQLite run store
 * (`<dataDir>/workflows.sqlite`), project folders (`<dataDir>/projects/`), the secret vault and
 * the cron scheduler. Routes talk to this object only.
 */
export class WorkflowService {
  readonly registry: NodeRegistry;
  readonly store: SqliteRunStore;
  /** The runs, their steps and schedules: `store`, or PostgreSQL in scaled mode with `--db`. */
  readonly runs: RunStore;
  readonly vault: SecretVault;
  readonly catalog: ProjectCatalog;
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
    this.store = new SqliteRunStore(join(dataDir, 'workflows.sqlite'));
    this.runs = scaled?.runs ?? this.store;
    this.vault = new SecretVault(this.store.db, loadSecretKey(dataDir).key);
    const files = new ProjectFiles(join(dataDir, 'projects'));
    this.catalog = new ProjectCatalog(files, this.store, this.registry, () => Date.now(), (message, fields) => this.log.warn(message, fields));
    this.sink = new IngestSpanSink(ctx);
    this.sandbox = new WorkerSandbox();
    this.engine = new Engine({
      clock: systemClock,
      ids: randomIds,
      store: this.runs,
      workflows: this.catalog,
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
      ...(scaled ? { mode: scaled.mode, dispatch: scaled.dispatch, cancelRemote: scaled.cancelRemote } : {}),
    });
    this.coordinator = scaled?.coordinator ?? new EmbeddedRunCoordinator();
    this.scheduler = new CronScheduler({ clock: systemClock, store: this.runs, fire: (fire) => this.fireCron(fire), log: this.log });
  }

  /** Loads the project folders; runs nothing yet. */
  async load(): Promise<void> {
    await this.catalog.load();
  }

  /** Resumes interrupted runs and arms the cron schedules. */
  async start(): Promise<void> {
    await this.engine.start();
    if (this.scaled?.mode === 'worker') return; // hubs fire schedules and prune
    await this.syncSchedules();
    this.scheduleRetention();
  }

  /** With `retentionDays` set, finished runs older than that are deleted, like old spans. */
  private scheduleRetention(): void {
    const days = this.config.retentionDays;
    if (days === undefined) return;
    const prune = () => {
      try {
        let removed = 0;
        for (let batch = this.store.pruneFinishedRuns(Date.now() - days * 86_400_000); batch > 0; batch = this.store.pruneFinishedRuns(Date.now() - days * 86_400_000)) {
          removed += batch;
        }
        if (removed > 0) this.log.info('workflows: pruned finished runs', { removed, days });
      } catch (error) {
        this.log.warn('workflows: pruning runs failed', { error: (error as Error).message });
      }
    };
    prune();
    this.retentionTimer = setInterval(prune, this.config.retentionIntervalMs);
    this.retentionTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.scheduler.stop();
    await this.engine.stop(2000);
    await this.sandbox.close();
    await this.sink.drain();
    await this.store.close();
    if (this.runs !== this.store) await this.runs.close?.();
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
