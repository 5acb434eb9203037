import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { registerDeployRoutes } from './deploy-routes.js';
import { DeployStore } from './deploy-store.js';
import { Deployer } from './deployer.js';
import { HealthMonitor } from './health-monitor.js';
import { ProjectGit } from './project-git.js';

/** The repository's Python SDK (standard library only), when the hub runs from a checkout. */
const PYTHON_SDK = fileURLToPath(new URL('../../../../sdk/python/src', import.meta.url));

/**
 * Requests that change files of a project folder (the project, a workflow, its schedule, env, a
 * template's workflows) — not runs, validations or previews, which would pay for a git call each.
 */
const SAVES = /^\/api\/v1\/projects\/([a-z0-9][a-z0-9_-]{0,63})(\/workflows(\/[a-z0-9][a-z0-9_-]{0,63}(\/schedule)?)?|\/env\/[^/?]+|\/templates\/[^/?]+)?(\?.*)?$/;

/**
 * Deployment targets, deploys, rollbacks, versions and health checks of each project
 * (`<data>/deployments.sqlite`, generated apps under `<data>/deployments/`). Every successful
 * change to a project through the API is committed to the project folder's git repository.
 */
export async function registerDeployments(app: FastifyInstance, service: WorkflowService, ctx: HubContext): Promise<void> {
  const store = new DeployStore(join(ctx.config.dataDir, 'deployments.sqlite'));
  const git = new ProjectGit(join(ctx.config.dataDir, 'projects'));
  const telemetry = () => {
    const address = app.server.address();
    if (!address || typeof address === 'string' || !existsSync(join(PYTHON_SDK, 'runtime_hub'))) return undefined;
    return { url: `http://127.0.0.1:${address.port}`, token: ctx.config.token, sdkPath: PYTHON_SDK };
  };
  const deployer = new Deployer(service, store, git, ctx.config.dataDir, telemetry);
  const monitor = new HealthMonitor(store, deployer, ctx, ctx.store);
  registerDeployRoutes(app, { service, store, deployer, monitor, git });

  // Before the answer is sent: a client that saves twice in a row gets two commits.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 300) return payload;
    const project = SAVES.exec(request.url)?.[1];
    if (!project || !service.catalog.getProject(project)) return payload;
    await git.commit(project, `${request.method} ${request.url.split('?')[0]}`).catch((error: unknown) => ctx.log.warn({ project, error: (error as Error).message }, 'deployments: could not commit the project folder'));
    return payload;
  });

  app.addHook('onReady', async () => {
    for (const target of store.targets()) monitor.watch(target);
    deployer.resume().catch((error: unknown) => ctx.log.error({ error: (error as Error).message }, 'deployments: could not resume running apps'));
  });
  ctx.onClose(async () => {
    monitor.close();
    await deployer.close();
    store.close();
  });
}
