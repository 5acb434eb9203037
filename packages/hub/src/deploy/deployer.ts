import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PLATFORM_COMMANDS, exportProject } from '@runtime-hub/codegen';
import { HubError } from '@runtime-hub/protocol';
import { HUB_VERSION } from '../version.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { writeFiles } from '../export/write-files.js';
import { freePort } from '../net/free-port.js';
import { buildTypescript, pythonEnvironment, startApp } from './app-runtime.js';
import type { StartedApp } from './app-runtime.js';
import type { Deployment, DeployStore, Target } from './deploy-store.js';
import type { ProjectGit } from './project-git.js';

export interface DeployerOptions {
  /** This hub's id: the owner of the deployments it runs. */
  hub: string;
  /** How long an owner's lease holds without renewal (deployment-leases.ts renews it). */
  leaseMs: number;
  /** Where a local app sends its spans (the hub's own address), when the Python SDK is at hand. */
  telemetry?: () => { url: string; token?: string; sdkPath?: string } | undefined;
}

const stamp = () => new Date().toISOString();

/** `port` when nothing listens on it on the loopback now, so a restarted app keeps its URL. */
function portIfFree(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
}

/**
 * Deploy = generate the app at a version (a commit of the project folder), start it, record it.
 * A `local` target runs the app as a child process of this hub, the deployment's owner, on a free
 * port; the new app must answer /health before the previous one is stopped, so a failed deploy
 * leaves the previous one running. Other platforms get their files and the commands to run:
 * nothing is uploaded from here, and the record says so. Every write to a record is the owner's
 * (`putDeployment` refuses a hub that lost it); deploy-commands.ts sends other hubs' requests here.
 */
export class Deployer {
  private readonly apps = new Map<string, { deployment: string; app: StartedApp }>();
  private readonly busy = new Set<string>();
  readonly hub: string;

  constructor(
    private readonly service: WorkflowService,
    private readonly store: DeployStore,
    private readonly git: ProjectGit,
    private readonly dataDir: string,
    private readonly options: DeployerOptions,
  ) {
    this.hub = options.hub;
  }

  /** The service name an instrumented app's spans carry: `<project>@<target>`. */
  static serviceOf(project: string, target: string): string {
    return `${project}@${target}`;
  }

  /** The app a target runs on this hub now, if any. */
  current(project: string, target: string): { deployment: string; app: StartedApp } | undefined {
    return this.apps.get(`${project}/${target}`);
  }

  /** The deployments whose apps run here. */
  running(): string[] {
    return [...this.apps.values()].map((entry) => entry.deployment);
  }

  /** Whether a target is being deployed, restarted or taken over by this hub right now. */
  isBusy(project: string, target: string): boolean {
    return this.busy.has(`${project}/${target}`);
  }

  private async exclusive<T>(project: string, target: string, work: () => Promise<T>): Promise<T> {
    const key = `${project}/${target}`;
    if (this.busy.has(key)) throw new HubError('DEPLOY_IN_PROGRESS', `target "${target}" of project "${project}" is being deployed`);
    this.busy.add(key);
    try {
      return await work();
    } finally {
      this.busy.delete(key);
    }
  }

  private logger(record: Deployment): (line: string) => void {
    return (line) => (record.logs = `${record.logs ? `${record.logs}\n` : ''}${stamp()} ${line}`);
  }

  /** The newest deployment of a target that runs (or should): this hub claims it when its owner's lease ran out. */
  private async previous(target: Target): Promise<Deployment | undefined> {
    const running = (await this.store.history(target.project, target.id, 20)).find((d) => d.status === 'running');
    if (!running || running.owner === this.hub) return running;
    const claimed = await this.store.claim(running.id, this.hub, this.store.leaseClock(), this.options.leaseMs, ['running']);
    if (!claimed) throw new HubError('DEPLOY_OWNER_UNREACHABLE', `deployment ${running.id} of target "${target.id}" is run by hub ${running.owner}; ask that hub (any hub forwards it)`);
    return claimed;
  }

  async deploy(target: Target, options: { version?: string; rollbackOf?: string } = {}): Promise<Deployment> {
    return this.exclusive(target.project, target.id, async () => {
      const started = Date.now();
      const id = `${new Date(started).toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
      const record: Deployment = {
        id, project: target.project, target: target.id, platform: target.platform, language: target.language,
        version: options.version ?? 'pending', startedAt: started, endedAt: null, durationMs: null, status: 'deploying', logs: '', url: null,
        folder: join(this.dataDir, 'deployments', target.project, target.id, id), rollbackOf: options.rollbackOf ?? null,
        owner: this.hub, leaseUntil: this.store.leaseClock() + this.options.leaseMs,
      };
      const log = this.logger(record);
      const save = async (status: Deployment['status']) => {
        record.status = status;
        if (status !== 'deploying') {
          record.endedAt = Date.now();
          record.durationMs = record.endedAt - started;
        }
        await this.store.putDeployment(record);
      };
      // Before anything is recorded: a target whose app another live hub runs is that hub's to deploy.
      const previous = target.platform === 'local' ? await this.previous(target) : undefined;
      await save('deploying');
      try {
        const version = options.version ?? (await this.git.commit(target.project, 'deploy'));
        record.version = version;
        log(`${options.rollbackOf ? `rollback to ${options.rollbackOf}: ` : ''}on hub ${this.hub}`);
        await this.generate(record, log);
        if (target.platform !== 'local') {
          const commands = (PLATFORM_COMMANDS[target.platform] ?? []).map((c) => `  ${c}`).join('\n');
          log(`${target.platform} is not reachable from this hub: nothing was built or uploaded. To ship this version, run in ${record.folder}:\n${commands}`);
          await save('generated');
          return { ...record };
        }
        const app = await this.start(record, log);
        record.url = app.url;
        const key = `${target.project}/${target.id}`;
        const here = this.apps.get(key);
        this.apps.set(key, { deployment: id, app });
        if (here) await here.app.stop();
        if (previous) {
          await this.store.putDeployment({ ...previous, status: 'replaced', logs: `${previous.logs}\n${stamp()} replaced by ${id}` });
          log(`stopped the previous deployment ${previous.id}`);
        }
        log(`running at ${app.url} (pid ${app.process.pid})`);
        await save('running');
        this.watchExit(record, app);
        return { ...record };
      } catch (error) {
        log(`failed: ${(error as Error).message}`);
        if (previous && !this.apps.has(`${target.project}/${target.id}`)) {
          // Claimed from a hub that died, and not run here: any hub's lease round starts it again.
          await this.store.disown(previous.id, this.hub);
          log(`the previous deployment ${previous.id} is started again by the next hub to take it over`);
        } else if (previous) log(`the previous deployment ${previous.id} keeps running`);
        await save('failed');
        return { ...record };
      }
    });
  }

  /** Writes the app's files at the record's version into its folder; sets the full commit hash. */
  private async generate(record: Deployment, log: (line: string) => void): Promise<void> {
    const at = await this.git.readAt(record.project, record.version);
    record.version = at.hash;
    log(`version ${at.hash.slice(0, 12)}, ${at.workflows.length} workflows, ${record.language}`);
    const secretNames = this.service.vault.names(record.project).map((s) => s.name);
    const { files, warnings } = exportProject({ project: at.project, workflows: at.workflows, secretNames, language: record.language, version: at.hash.slice(0, 12), generator: HUB_VERSION });
    for (const warning of warnings) log(`warning: ${warning.message}`);
    writeFiles(record.folder, files);
    log(`generated ${files.length} files in ${record.folder}`);
  }

  private async start(record: Deployment, log: (line: string) => void): Promise<StartedApp> {
    if (!existsSync(record.folder)) await this.generate(record, log); // the hubs do not share their data folders
    const venv = record.language === 'python' ? await pythonEnvironment(record.folder, process.env.RUNTIME_HUB_VENV_CACHE ?? join(this.dataDir, 'deployments', '.venvs'), log) : undefined;
    if (record.language === 'typescript') await buildTypescript(record.folder, undefined, log);
    const before = record.url ? Number(new URL(record.url).port) : 0;
    const port = (before && (await portIfFree(before))) || (await freePort());
    // Secrets go to the app's environment, never into its files.
    const project = this.service.catalog.getProject(record.project) ?? (await this.git.readAt(record.project, record.version)).project;
    const env: Record<string, string> = { ...project.env, ...this.service.vault.values(record.project) };
    const telemetry = this.options.telemetry?.();
    if (telemetry?.sdkPath && record.language === 'python') {
      // The app's runs come back to this hub as spans (docs/export.md, Instrumentation).
      Object.assign(env, { PYTHONPATH: telemetry.sdkPath, RUNTIME_HUB_URL: telemetry.url, RUNTIME_HUB_SERVICE: Deployer.serviceOf(record.project, record.target) });
      if (telemetry.token) env.RUNTIME_HUB_TOKEN = telemetry.token;
      log(`instrumented: runs are sent to ${telemetry.url} as service ${Deployer.serviceOf(record.project, record.target)}`);
    }
    log(`starting on port ${port}`);
    return startApp({ appDir: record.folder, language: record.language, port, env, venv, timeoutMs: 120_000 });
  }

  private watchExit(record: Deployment, app: StartedApp): void {
    const key = `${record.project}/${record.target}`;
    app.process.once('exit', (code, signal) => {
      if (this.apps.get(key)?.app !== app) return;
      this.apps.delete(key);
      void (async () => {
        const now = await this.store.deployment(record.id);
        if (now?.status === 'running') await this.store.putDeployment({ ...now, logs: `${now.logs}\n${stamp()} the app exited (${code ?? signal}): ${app.output().slice(-1000)}` });
      })().catch(() => undefined);
    });
  }

  /**
   * Starts a target's deployment again on this hub: the one given (claimed), else the target's
   * newest running or stopped one. `reason` goes to its log. Used for restarts, for a start after
   * a stop, and to take over a deployment whose owner's lease ran out.
   */
  async restart(target: Pick<Target, 'project' | 'id'>, reason: string, claimed?: Deployment): Promise<Deployment> {
    return this.exclusive(target.project, target.id, async () => {
      let record = claimed;
      if (!record) {
        const newest = (await this.store.history(target.project, target.id, 20)).find((d) => d.platform === 'local' && (d.status === 'running' || d.status === 'stopped'));
        if (!newest) throw new HubError('DEPLOYMENT_NOT_FOUND', `target "${target.id}" of project "${target.project}" has no running or stopped deployment to start (deploy it first)`);
        record = await this.store.claim(newest.id, this.hub, this.store.leaseClock(), this.options.leaseMs, ['running', 'stopped']);
        if (!record) throw new HubError('DEPLOY_OWNER_UNREACHABLE', `deployment ${newest.id} is run by hub ${newest.owner}; ask that hub (any hub forwards it)`);
      }
      const key = `${target.project}/${target.id}`;
      const log = this.logger(record);
      log(reason);
      const here = this.apps.get(key);
      this.apps.delete(key);
      if (here) await here.app.stop();
      try {
        const app = await this.start(record, log);
        this.apps.set(key, { deployment: record.id, app });
        record.url = app.url;
        record.status = 'running';
        log(`running at ${app.url} (pid ${app.process.pid})`);
        if (!(await this.store.putDeployment(record))) {
          // Another hub took it over meanwhile: its app is the one that counts.
          this.apps.delete(key);
          await app.stop();
          throw new HubError('DEPLOY_OWNER_UNREACHABLE', `deployment ${record.id} was taken over by another hub meanwhile`);
        }
        this.watchExit(record, app);
      } catch (error) {
        if (error instanceof HubError) throw error;
        log(`could not start: ${(error as Error).message}`);
        record.status = 'failed';
        record.endedAt = Date.now();
        await this.store.putDeployment(record);
      }
      return { ...record };
    });
  }

  /** Stops a target's app on this hub; its deployments this hub may own are recorded as stopped. */
  async stop(target: Pick<Target, 'project' | 'id'>): Promise<Deployment | undefined> {
    const key = `${target.project}/${target.id}`;
    const here = this.apps.get(key);
    this.apps.delete(key);
    if (here) await here.app.stop();
    let stopped: Deployment | undefined;
    for (const d of await this.store.history(target.project, target.id, 20)) {
      if (d.status !== 'running') continue;
      const mine = d.owner === this.hub ? d : await this.store.claim(d.id, this.hub, this.store.leaseClock(), this.options.leaseMs, ['running']);
      if (!mine) throw new HubError('DEPLOY_OWNER_UNREACHABLE', `deployment ${d.id} is run by hub ${d.owner}; ask that hub (any hub forwards it)`);
      stopped = { ...mine, status: 'stopped', url: mine.url, logs: `${mine.logs}\n${stamp()} stopped on hub ${this.hub}` };
      await this.store.putDeployment(stopped);
    }
    return stopped;
  }

  /** Stops, without touching its record, the app of a deployment another hub now owns. */
  async drop(deployment: string): Promise<void> {
    for (const [key, entry] of this.apps) {
      if (entry.deployment !== deployment) continue;
      this.apps.delete(key);
      await entry.app.stop();
    }
  }

  /** A deployment that was being deployed by a hub that died: recorded as failed. */
  async abandon(record: Deployment, reason: string): Promise<void> {
    await this.store.putDeployment({ ...record, status: 'failed', endedAt: Date.now(), logs: `${record.logs}\n${stamp()} ${reason}` });
  }

  async close(): Promise<void> {
    await Promise.all([...this.apps.values()].map((entry) => entry.app.stop()));
    this.apps.clear();
  }

  /** Deletes the generated folders of deployments that are neither running nor among the last 10 of their target. */
  async prune(target: Target): Promise<void> {
    const keep = new Set((await this.store.history(target.project, target.id, 10)).map((d) => d.id));
    for (const d of await this.store.history(target.project, target.id, 1000)) {
      if (!keep.has(d.id) && d.status !== 'running' && existsSync(d.folder)) rmSync(d.folder, { recursive: true, force: true });
    }
  }
}
