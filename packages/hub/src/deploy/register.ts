import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import type { DeployChannel } from './deploy-channel.js';
import { DeployCommands } from './deploy-commands.js';
import { registerDeployRoutes } from './deploy-routes.js';
import type { DeployStore } from './deploy-store.js';
import { Deployer } from './deployer.js';
import { DeploymentLeases } from './deployment-leases.js';
import { HealthMonitor } from './health-monitor.js';
import { ProjectGit } from './project-git.js';
import { SqliteDeployStore } from './sqlite-deploy-store.js';

/** The repository's Python SDK (standard library only), when the hub runs from a checkout. */
const PYTHON_SDK = fileURLToPath(new URL('../../../../sdk/python/src', import.meta.url));

/** How long a hub's hold on its deployments lasts unrenewed: a killed hub's apps start elsewhere about this long after. */
const LEASE_MS = Number(process.env.RUNTIME_HUB_DEPLOY_LEASE_MS) || 15_000;

/**
 * Requests that change files of a project folder (the project, a workflow, its schedule, env, a
 * template's workflows) — not runs, validations or previews, which would pay for a git call each.
 */
const SAVES = /^\/api\/v1\/projects\/([a-z0-9][a-z0-9_-]{0,63})(\/workflows(\/[a-z0-9][a-z0-9_-]{0,63}(\/schedule)?)?|\/env\/[^/?]+|\/templates\/[^/?]+)?(\?.*)?$/;

/**
 * Where deployments live: PostgreSQL with `--db`, shared by the hubs, each hub an owner under its
 * own id, requests between hubs over LISTEN/NOTIFY; else `<data>/deployments.sqlite` and this hub
 * alone. The PostgreSQL modules load only for `--db`.
 */
async function openDeployments(ctx: HubContext): Promise<{ store: DeployStore; channel?: DeployChannel; hub: string }> {
  if (!ctx.config.dbUrl) return { store: new SqliteDeployStore(join(ctx.config.dataDir, 'deployments.sqlite')), hub: 'this-hub' };
  const [{ PostgresDeployStore }, { PostgresDeployChannel }] = await Promise.all([import('./postgres-deploy-store.js'), import('./postgres-deploy-channel.js')]);
  const hub = `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const store = await PostgresDeployStore.open(ctx.config.dbUrl);
  const channel = await PostgresDeployChannel.open(ctx.config.dbUrl, hub, (error) => ctx.log.warn({ err: error }, 'deployments: channel error'));
  return { store, channel, hub };
}

/**
 * Deployment targets, deploys, rollbacks, versions and health checks of each project (generated
 * apps under `<data>/deployments/`). Every successful change to a project through the API is
 * committed to the project folder's git repository. Each deployment's app runs on its owner hub,
 * which renews a lease; another hub takes it over when the lease runs out (deployment-leases.ts).
 */
export async function registerDeployments(app: FastifyInstance, service: WorkflowService, ctx: HubContext): Promise<void> {
  const { store, channel, hub } = await openDeployments(ctx);
  const git = new ProjectGit(join(ctx.config.dataDir, 'projects'));
  const telemetry = () => {
    const address = app.server.address();
    if (!address || typeof address === 'string' || !existsSync(join(PYTHON_SDK, 'runtime_hub'))) return undefined;
    return { url: `http://127.0.0.1:${address.port}`, token: ctx.config.token, sdkPath: PYTHON_SDK };
  };
  const deployer = new Deployer(service, store, git, ctx.config.dataDir, { hub, leaseMs: LEASE_MS, telemetry });
  const monitor = new HealthMonitor(store, deployer, ctx, ctx.store);
  const commands = new DeployCommands({ store, deployer, monitor, channel });
  const leases = new DeploymentLeases(store, deployer, monitor, { leaseMs: LEASE_MS, log: ctx.log });
  registerDeployRoutes(app, { service, store, deployer, monitor, git, commands });

  // Before the answer is sent: a client that saves twice in a row gets two commits.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 300) return payload;
    const project = SAVES.exec(request.url)?.[1];
    if (!project || !service.catalog.getProject(project)) return payload;
    await git.commit(project, `${request.method} ${request.url.split('?')[0]}`).catch((error: unknown) => ctx.log.warn({ project, error: (error as Error).message }, 'deployments: could not commit the project folder'));
    return payload;
  });

  // The first round arms the health checks and starts again the apps this hub (or a dead one) ran.
  app.addHook('onReady', async () => leases.start());
  ctx.onClose(async () => {
    monitor.close();
    await leases.close();
    await deployer.close();
    // Apps stopped first, then the leases end: another hub may start them at once, on the same ports.
    await store.release(hub).catch((error: unknown) => ctx.log.warn({ error: (error as Error).message }, 'deployments: could not release the leases'));
    await channel?.close();
    await store.close();
  });
}
