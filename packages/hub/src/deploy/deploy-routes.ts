import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HubError, Slug } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { WorkflowService } from '../workflows/workflow-service.js';
import type { CommandResult, DeployCommands } from './deploy-commands.js';
import type { DeployCommand } from './deploy-channel.js';
import type { Deployer } from './deployer.js';
import { PLATFORMS } from './deploy-store.js';
import type { Deployment, DeployStore, Target } from './deploy-store.js';
import { summarize } from './health-monitor.js';
import type { HealthMonitor } from './health-monitor.js';
import type { ProjectGit } from './project-git.js';

const TargetBody = z.object({
  platform: z.enum(PLATFORMS),
  language: z.enum(['python', 'typescript']).default('python'),
  healthIntervalMs: z.int().min(200).max(86_400_000).default(60_000),
});
const DeployBody = z.object({ version: z.string().regex(/^[0-9a-f]{7,40}$/).optional() }).default({});
const RollbackBody = z.object({ deployment: z.string().min(1).max(64) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new HubError('INVALID_BODY', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`, { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  return result.data;
}

/**
 * Deployments of a project (docs/export.md): targets, deploy, rollback, stop, restart, history,
 * health, and the project folder's git versions with diffs. `GET /api/v1/projects/:project/deployments`
 * is what the project cards read: each target with its current deployment, its owner hub and
 * health; `GET /api/v1/deployments` lists every target of every project. Stop, restart, deploy,
 * rollback and check go to the hub that runs the target's app (deploy-commands.ts), and the answer
 * says which hub did it (`handledBy`).
 */
export function registerDeployRoutes(
  app: FastifyInstance,
  deps: { service: WorkflowService; store: DeployStore; deployer: Deployer; monitor: HealthMonitor; git: ProjectGit; commands: DeployCommands },
): void {
  const { service, store, deployer, monitor, git, commands } = deps;
  const tags = ['deployments'];
  // A project made through another hub is in the shared folders before this hub's catalog knows it.
  const project = (params: unknown): string => {
    const id = (params as { project: string }).project;
    if (!service.catalog.getProject(id) && !(Slug.safeParse(id).success && existsSync(join(git.folder(id), 'project.json')))) throw new HubError('PROJECT_NOT_FOUND', `no project "${id}"`);
    return id;
  };
  const target = async (params: unknown): Promise<Target> => {
    const id = project(params);
    const name = (params as { target: string }).target;
    const found = await store.target(id, name);
    if (!found) throw new HubError('DEPLOY_TARGET_NOT_FOUND', `project "${id}" has no deployment target "${name}" (PUT …/deployments/targets/${name} creates it)`);
    return found;
  };
  const owner = (d: Deployment | null) =>
    d?.owner ? { hub: d.owner, live: (d.leaseUntil ?? 0) > store.leaseClock(), leaseUntil: d.leaseUntil, thisHub: d.owner === deployer.hub } : null;
  const view = async (t: Target) => {
    const history = await store.history(t.project, t.id, 20);
    const current = history.find((d) => d.status === 'running') ?? history[0] ?? null;
    return { ...t, reachable: t.platform === 'local', current, owner: owner(current), health: await monitor.summary(t) };
  };
  /** Runs a command where the target's app runs; a refusal there is this reply's error. */
  const run = async (command: DeployCommand): Promise<CommandResult & { deployment: Deployment | null }> => {
    const result = await commands.run(command);
    const { error, hub } = result.answer;
    if (error) throw new HubError(error.code, result.forwarded ? `${error.message} (on hub ${hub})` : error.message);
    return { ...result, deployment: result.answer.deployment ? ((await store.deployment(result.answer.deployment)) ?? null) : null };
  };
  const handledBy = (result: CommandResult) => ({ hub: result.answer.hub, forwarded: result.forwarded });

  app.get('/api/v1/deployments', { schema: { tags, summary: 'Every deployment target of every project, with its current deployment, owner hub and health' } }, async () => {
    return { hub: deployer.hub, targets: await Promise.all((await store.targets()).map(view)) };
  });

  app.get('/api/v1/projects/:project/deployments', { schema: { tags, summary: "A project's deployment targets, each with its current deployment and health" } }, async (request) => {
    const id = project(request.params);
    return { project: id, hub: deployer.hub, targets: await Promise.all((await store.targets(id)).map(view)) };
  });

  app.put('/api/v1/projects/:project/deployments/targets/:target', { schema: { tags, summary: 'Create or change a deployment target' } }, async (request) => {
    const id = project(request.params);
    const name = (request.params as { target: string }).target;
    if (!Slug.safeParse(name).success) throw new HubError('INVALID_QUERY', `a target id is a lowercase slug ([a-z0-9][a-z0-9_-]*), not ${JSON.stringify(name)}`);
    const body = parse(TargetBody, request.body);
    const saved = await store.putTarget({ project: id, id: name, ...body, createdAt: (await store.target(id, name))?.createdAt ?? Date.now() });
    monitor.watch(saved);
    return { target: await view(saved) };
  });

  app.delete('/api/v1/projects/:project/deployments/targets/:target', { schema: { tags, summary: 'Stop and remove a deployment target (its history stays)' } }, async (request) => {
    const t = await target(request.params);
    const stopped = await run({ op: 'stop', project: t.project, target: t.id });
    monitor.unwatch(t);
    await store.deleteTarget(t.project, t.id);
    return { deleted: true, handledBy: handledBy(stopped) };
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/deploy', { schema: { tags, summary: 'Deploy the current version (or body.version, a commit hash)' } }, async (request, reply) => {
    const t = await target(request.params);
    const { version } = parse(DeployBody, request.body);
    const result = await run({ op: 'deploy', project: t.project, target: t.id, version });
    return reply.status(201).send({ deployment: result.deployment, handledBy: handledBy(result) });
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/rollback', { schema: { tags, summary: 'Deploy again the version of an earlier deployment' } }, async (request, reply) => {
    const t = await target(request.params);
    const { deployment } = parse(RollbackBody, request.body);
    const result = await run({ op: 'rollback', project: t.project, target: t.id, deployment });
    return reply.status(201).send({ deployment: result.deployment, handledBy: handledBy(result) });
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/stop', { schema: { tags, summary: "Stop a target's app (on the hub that runs it)" } }, async (request) => {
    const t = await target(request.params);
    const result = await run({ op: 'stop', project: t.project, target: t.id });
    return { target: await view(t), deployment: result.deployment, handledBy: handledBy(result) };
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/restart', { schema: { tags, summary: "Start a target's deployment again: after a stop, or to restart its app" } }, async (request) => {
    const t = await target(request.params);
    const result = await run({ op: 'restart', project: t.project, target: t.id });
    return { target: await view(t), deployment: result.deployment, handledBy: handledBy(result) };
  });

  app.get('/api/v1/projects/:project/deployments/targets/:target/history', { schema: { tags, summary: 'Deployments of a target, newest first' } }, async (request) => {
    const t = await target(request.params);
    const limit = Math.min(Math.max(Number((request.query as { limit?: string }).limit ?? 50) || 50, 1), 500);
    return { deployments: await store.history(t.project, t.id, limit) };
  });

  app.get('/api/v1/projects/:project/deployments/targets/:target/health', { schema: { tags, summary: 'Health checks of a target (?hours=24) and their summary' } }, async (request) => {
    const t = await target(request.params);
    const hours = Math.min(Math.max(Number((request.query as { hours?: string }).hours ?? 24) || 24, 1), 168);
    const checks = await store.checks(t.project, t.id, Date.now() - hours * 3_600_000);
    return { summary: summarize(checks), checks };
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/health/check', { schema: { tags, summary: 'Check the health of a target now (on the hub that runs it)' } }, async (request) => {
    const t = await target(request.params);
    const result = await run({ op: 'check', project: t.project, target: t.id });
    return { check: result.answer.check ?? null, handledBy: handledBy(result) };
  });

  app.get('/api/v1/projects/:project/versions', { schema: { tags, summary: "The project folder's commits, newest first" } }, async (request) => {
    const id = project(request.params);
    return { commits: await git.log(id, Number((request.query as { limit?: string }).limit ?? 100) || 100) };
  });

  app.get('/api/v1/projects/:project/versions/diff', { schema: { tags, summary: 'The diff between two commits (?from=&to=, to defaults to the newest)' } }, async (request) => {
    const id = project(request.params);
    const { from, to } = request.query as { from?: string; to?: string };
    if (!from) throw new HubError('INVALID_QUERY', 'from (a commit hash) is required');
    return { from, to: to ?? null, diff: await git.diff(id, from, to) };
  });
}
