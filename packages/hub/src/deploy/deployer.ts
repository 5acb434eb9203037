import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
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

/**
 * Deploy = generate the app at a version (a commit of the project folder), start it, record it.
 * A `local` target runs the app as a child process of the hub on a free port; the new app must
 * answer /health before the previous one is stopped, so a failed deploy leaves the previous one
 * running. Other platforms get their files and the commands to run: nothing is uploaded from
 * here, and the record says so.
 */
export class Deployer {
  private readonly apps = new Map<string, { deployment: string; app: StartedApp }>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly service: WorkflowService,
    private readonly store: DeployStore,
    private readonly git: ProjectGit,
    private readonly dataDir: string,
    /** Where a local app sends its spans (the hub's own address), when the Python SDK is at hand. */
    private readonly telemetry: () => { url: string; token?: string; sdkPath?: string } | undefined = () => undefined,
  ) {}

  /** The service name an instrumented app's spans carry: `<project>@<target>`. */
  static serviceOf(project: string, target: string): string {
    return `${project}@${target}`;
  }

  /** The app a target runs now, if any. */
  current(project: string, target: string): { deployment: string; app: StartedApp } | undefined {
    return this.apps.get(`${project}/${target}`);
  }

  async deploy(target: Target, options: { version?: string; rollbackOf?: string } = {}): Promise<Deployment> {
    const key = `${target.project}/${target.id}`;
    if (this.busy.has(key)) throw new HubError('DEPLOY_IN_PROGRESS', `target "${target.id}" of project "${target.project}" is being deployed`);
    this.busy.add(key);
    const started = Date.now();
    const id = `${new Date(started).toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
    const folder = join(this.dataDir, 'deployments', target.project, target.id, id);
    const lines: string[] = [];
    const log = (line: string) => lines.push(`${new Date().toISOString()} ${line}`);
    const record: Deployment = {
      id,
      project: target.project,
      target: target.id,
      platform: target.platform,
      language: target.language,
      version: options.version ?? 'pending',
      startedAt: started,
      endedAt: null,
      durationMs: null,
      status: 'deploying',
      logs: '',
      url: null,
      folder,
      rollbackOf: options.rollbackOf ?? null,
    };
    const save = (status: Deployment['status']) => {
      record.status = status;
      record.logs = lines.join('\n');
      if (status !== 'deploying') {
        record.endedAt = Date.now();
        record.durationMs = record.endedAt - started;
      }
      this.store.putDeployment(record);
    };
    save('deploying');
    try {
      const version = options.version ?? (await this.git.commit(target.project, 'deploy'));
      const at = await this.git.readAt(target.project, version);
      record.version = at.hash;
      log(`${options.rollbackOf ? `rollback to ${options.rollbackOf}: ` : ''}version ${at.hash.slice(0, 12)}, ${at.workflows.length} workflows, ${target.language}`);
      const secretNames = this.service.vault.names(target.project).map((s) => s.name);
      const { files, warnings } = exportProject({ project: at.project, workflows: at.workflows, secretNames, language: target.language, version: at.hash.slice(0, 12), generator: HUB_VERSION });
      for (const warning of warnings) log(`warning: ${warning.message}`);
      writeFiles(folder, files);
      log(`generated ${files.length} files in ${folder}`);
      if (target.platform !== 'local') {
        const commands = (PLATFORM_COMMANDS[target.platform] ?? []).map((c) => `  ${c}`).join('\n');
        log(`${target.platform} is not reachable from this hub: nothing was built or uploaded. To ship this version, run in ${folder}:\n${commands}`);
        save('generated');
        return { ...record };
      }
      const app = await this.start(record, log);
      record.url = app.url;
      const previous = this.apps.get(key);
      this.apps.set(key, { deployment: id, app });
      if (previous) {
        await previous.app.stop();
        const old = this.store.deployment(previous.deployment);
        if (old) this.store.putDeployment({ ...old, status: 'replaced' });
        log(`stopped the previous deployment ${previous.deployment}`);
      }
      log(`running at ${app.url} (pid ${app.process.pid})`);
      save('running');
      app.process.once('exit', (code, signal) => this.exited(key, id, code, signal));
      return { ...record };
    } catch (error) {
      log(`failed: ${(error as Error).message}`);
      if (this.apps.has(key)) log(`the previous deployment ${this.apps.get(key)?.deployment} keeps running`);
      save('failed');
      return { ...record };
    } finally {
      this.busy.delete(key);
    }
  }

  private async start(record: Deployment, log: (line: string) => void): Promise<StartedApp> {
    const venv = record.language === 'python' ? await pythonEnvironment(record.folder, process.env.RUNTIME_HUB_VENV_CACHE ?? join(this.dataDir, 'deployments', '.venvs'), log) : undefined;
    if (record.language === 'typescript') await buildTypescript(record.folder, undefined, log);
    const port = await freePort();
    // Secrets go to the app's environment, never into its files.
    const env: Record<string, string> = { ...this.service.catalog.getProject(record.project)?.env, ...this.service.vault.values(record.project) };
    const telemetry = this.telemetry();
    if (telemetry?.sdkPath && record.language === 'python') {
      // The app's runs come back to this hub as spans (docs/export.md, Instrumentation).
      Object.assign(env, { PYTHONPATH: telemetry.sdkPath, RUNTIME_HUB_URL: telemetry.url, RUNTIME_HUB_SERVICE: Deployer.serviceOf(record.project, record.target) });
      if (telemetry.token) env.RUNTIME_HUB_TOKEN = telemetry.token;
      log(`instrumented: runs are sent to ${telemetry.url} as service ${Deployer.serviceOf(record.project, record.target)}`);
    }
    log(`starting on port ${port}`);
    return startApp({ appDir: record.folder, language: record.language, port, env, venv, timeoutMs: 120_000 });
  }

  private exited(key: string, id: string, code: number | null, signal: string | null): void {
    const current = this.apps.get(key);
    if (current?.deployment !== id) return;
    this.apps.delete(key);
    const record = this.store.deployment(id);
    if (record && record.status === 'running') {
      this.store.putDeployment({ ...record, logs: `${record.logs}\n${new Date().toISOString()} the app exited (${code ?? signal}): ${current.app.output().slice(-1000)}` });
    }
  }

  /** Stops a target's app; its deployment is recorded as stopped. */
  async stop(target: Target): Promise<void> {
    const key = `${target.project}/${target.id}`;
    const current = this.apps.get(key);
    this.apps.delete(key);
    if (current) await current.app.stop();
    for (const d of this.store.history(target.project, target.id, 20)) if (d.status === 'running') this.store.putDeployment({ ...d, status: 'stopped' });
  }

  /** After a restart of the hub: starts again the apps that were running. */
  async resume(): Promise<void> {
    for (const record of this.store.running()) {
      const key = `${record.project}/${record.target}`;
      if (record.platform !== 'local' || this.apps.has(key) || !existsSync(record.folder)) continue;
      try {
        const app = await this.start(record, () => undefined);
        this.apps.set(key, { deployment: record.id, app });
        this.store.putDeployment({ ...record, url: app.url, logs: `${record.logs}\n${new Date().toISOString()} started again after a hub restart at ${app.url}` });
        app.process.once('exit', (code, signal) => this.exited(key, record.id, code, signal));
      } catch (error) {
        this.store.putDeployment({ ...record, status: 'failed', logs: `${record.logs}\n${new Date().toISOString()} could not start after a hub restart: ${(error as Error).message}` });
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.apps.values()].map((entry) => entry.app.stop()));
    this.apps.clear();
  }

  /** Deletes the generated folders of deployments that are neither running nor among the last 10 of their target. */
  prune(target: Target): void {
    const keep = new Set(this.store.history(target.project, target.id, 10).map((d) => d.id));
    for (const d of this.store.history(target.project, target.id, 1000)) {
      if (!keep.has(d.id) && d.status !== 'running' && existsSync(d.folder)) rmSync(d.folder, { recursive: true, force: true });
    }
  }
}
