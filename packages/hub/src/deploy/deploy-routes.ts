import type { FastifyInstance } from 'fastify';
import { HubError, Slug } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { WorkflowService } from '../workflows/workflow-service.js';
import type { Deployer } from './deployer.js';
import { PLATFORMS } from './deploy-store.js';
import type { DeployStore, Target } from './deploy-store.js';
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
 * Deployments of a project (docs/export.md): targets, deploy, rollback, stop, history, health,
 * and the project folder's git versions with diffs. `GET /api/v1/projects/:project/deployments`
 * is what the project cards read: each target with its current deployment and health.
 */
export function registerDeployRoutes(app: FastifyInstance, deps: { service: WorkflowService; store: DeployStore; deployer: Deployer; monitor: HealthMonitor; git: ProjectGit }): void {
  const { service, store, deployer, monitor, git } = deps;
  const tags = ['deployments'];
  const project = (params: unknown): string => {
    const id = (params as { project: string }).project;
    if (!service.catalog.getProject(id)) throw new HubError('PROJECT_NOT_FOUND', `no project "${id}"`);
    return id;
  };
  const target = (params: unknown): Target => {
    const id = project(params);
    const name = (params as { target: string }).target;
    const found = store.target(id, name);
    if (!found) throw new HubError('DEPLOY_TARGET_NOT_FOUND', `project "${id}" has no deployment target "${name}" (PUT …/deployments/targets/${name} creates it)`);
    return found;
  };
  const view = async (t: Target) => {
    const history = store.history(t.project, t.id, 1);
    const running = deployer.current(t.project, t.id);
    return {
      ...t,
      reachable: t.platform === 'local',
      current: running ? (store.deployment(running.deployment) ?? null) : (history[0] ?? null),
      health: await monitor.summary(t),
    };
  };

  app.get('/api/v1/projects/:project/deployments', { schema: { tags, summary: "A project's deployment targets, each with its current deployment and health" } }, async (request) => {
    const id = project(request.params);
    return { project: id, targets: await Promise.all(store.targets(id).map(view)) };
  });

  app.put('/api/v1/projects/:project/deployments/targets/:target', { schema: { tags, summary: 'Create or change a deployment target' } }, async (request) => {
    const id = project(request.params);
    const name = (request.params as { target: string }).target;
    if (!Slug.safeParse(name).success) throw new HubError('INVALID_QUERY', `a target id is a lowercase slug ([a-z0-9][a-z0-9_-]*), not ${JSON.stringify(name)}`);
    const body = parse(TargetBody, request.body);
    const saved = store.putTarget({ project: id, id: name, ...body, createdAt: store.target(id, name)?.createdAt ?? Date.now() });
    monitor.watch(saved);
    return { target: await view(saved) };
  });

  app.delete('/api/v1/projects/:project/deployments/targets/:target', { schema: { tags, summary: 'Stop and remove a deployment target (its history stays)' } }, async (request) => {
    const t = target(request.params);
    monitor.unwatch(t);
    await deployer.stop(t);
    store.deleteTarget(t.project, t.id);
    return { deleted: true };
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/deploy', { schema: { tags, summary: 'Deploy the current version (or body.version, a commit hash)' } }, async (request, reply) => {
    const t = target(request.params);
    const { version } = parse(DeployBody, request.body);
    const deployment = await deployer.deploy(t, { version });
    deployer.prune(t);
    if (deployment.status === 'running') void monitor.check(t).catch(() => undefined);
    return reply.status(201).send({ deployment });
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/rollback', { schema: { tags, summary: 'Deploy again the version of an earlier deployment' } }, async (request, reply) => {
    const t = target(request.params);
    const { deployment: id } = parse(RollbackBody, request.body);
    const earlier = store.deployment(id);
    if (!earlier || earlier.project !== t.project || earlier.target !== t.id) throw new HubError('DEPLOYMENT_NOT_FOUND', `target "${t.id}" has no deployment "${id}"`);
    const deployment = await deployer.deploy(t, { version: earlier.version, rollbackOf: id });
    if (deployment.status === 'running') void monitor.check(t).catch(() => undefined);
    return reply.status(201).send({ deployment });
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/stop', { schema: { tags, summary: "Stop a target's app" } }, async (request) => {
    const t = target(request.params);
    await deployer.stop(t);
    return { target: await view(t) };
  });

  app.get('/api/v1/projects/:project/deployments/targets/:target/history', { schema: { tags, summary: 'Deployments of a target, newest first' } }, (request) => {
    const t = target(request.params);
    const limit = Math.min(Math.max(Number((request.query as { limit?: string }).limit ?? 50) || 50, 1), 500);
    return { deployments: store.history(t.project, t.id, limit) };
  });

  app.get('/api/v1/projects/:project/deployments/targets/:target/health', { schema: { tags, summary: 'Health checks of a target (?hours=24) and their summary' } }, (request) => {
    const t = target(request.params);
    const hours = Math.min(Math.max(Number((request.query as { hours?: string }).hours ?? 24) || 24, 1), 168);
    const checks = store.checks(t.project, t.id, Date.now() - hours * 3_600_000);
    return { summary: summarize(checks), checks };
  });

  app.post('/api/v1/projects/:project/deployments/targets/:target/health/check', { schema: { tags, summary: 'Check the health of a target now' } }, async (request) => {
    const t = target(request.params);
    return { check: (await monitor.check(t)) ?? null };
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
